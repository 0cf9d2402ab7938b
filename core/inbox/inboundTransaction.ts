import { Prisma } from '../generated/prisma/client.js';
import type { InboundEvent } from '../conversation/types.js';
import type { InboundOutcome, InboxDeps } from './inboxTypes.js';

/** The message was recorded already (a provider's retry, a duplicate webhook): nothing is done twice. */
export class DuplicateInbound extends Error {}

/** Runs `work` in a transaction, retrying the race of two first messages; a failure is apologised for. */
export async function inTransaction<T>(
  deps: InboxDeps,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  onFailure: (error: unknown) => Promise<InboundOutcome>,
): Promise<T | InboundOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.prisma.$transaction(work, { timeout: 15_000, maxWait: 10_000 });
    } catch (error) {
      if (error instanceof DuplicateInbound) return { status: 'duplicate' };
      // Two first messages from one new address race to create the citizen: the loser retries.
      if (isUniqueViolation(error) && attempt < 3) continue;
      return onFailure(error);
    }
  }
}

/**
 * Records the inbound id in the message's transaction, so a provider's retry is recognised;
 * throws DuplicateInbound when it was seen already (which rolls the transaction back).
 */
export async function recordInbound(
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  now: Date,
  citizenId: string | null = null,
): Promise<void> {
  try {
    await tx.processedInbound.create({
      data: { channel: event.channel, externalId: event.externalId, receivedAt: now, citizenId },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateInbound();
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
