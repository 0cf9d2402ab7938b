import { Prisma } from '../generated/prisma/client.js';
import type { InboundEvent } from '../conversation/types.js';
import type { TransactionWork } from '../db/openDatabase.js';
import { statement, type SqlSession } from '../db/statements.js';
import type { InboundOutcome, InboxDeps } from './inboxTypes.js';

/** The message was recorded already (a provider's retry, a duplicate webhook): nothing is done twice. */
export class DuplicateInbound extends Error {}

/** Runs `work` in a transaction, retrying the race of two first messages; a failure is apologised for. */
export async function inTransaction<T>(
  deps: InboxDeps,
  work: TransactionWork<T>,
  onFailure: (error: unknown) => Promise<InboundOutcome>,
): Promise<T | InboundOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction(work, { timeout: 15_000, maxWait: 10_000 });
    } catch (error) {
      if (error instanceof DuplicateInbound) return { status: 'duplicate' };
      // Two first messages from one new address race to create the citizen: the loser retries.
      if (isUniqueViolation(error) && attempt < 3) continue;
      return onFailure(error);
    }
  }
}

const RECORD_INBOUND = statement(
  'inbox_record_inbound',
  `INSERT INTO "ProcessedInbound" ("channel", "externalId", "receivedAt", "citizenId")
   VALUES ($1::"Channel", $2, $3, $4::uuid)
   ON CONFLICT ("channel", "externalId") DO NOTHING
   RETURNING 1 AS recorded`,
);

/**
 * Records the inbound id in the message's transaction, so a provider's retry is recognised;
 * throws DuplicateInbound when it was seen already (which rolls the transaction back). A
 * concurrent copy of the same id waits here for the first one's transaction, then is a duplicate.
 */
export async function recordInbound(
  sql: SqlSession,
  event: InboundEvent,
  now: Date,
  citizenId: string | null = null,
): Promise<void> {
  const recorded = await sql.query(RECORD_INBOUND, [event.channel, event.externalId, now, citizenId]);
  if (recorded.length === 0) throw new DuplicateInbound();
}

/**
 * A unique violation, however it arrived: from Prisma's queries (P2002), from a raw statement
 * through Prisma (P2010 with PostgreSQL's code), or from `pg` itself (SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return error.code === 'P2002' || (error.code === 'P2010' && (error.meta as { code?: unknown })?.code === '23505');
  }
  return (error as { code?: unknown } | null)?.code === '23505';
}
