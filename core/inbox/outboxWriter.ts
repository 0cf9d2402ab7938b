import type { InboundEvent, Lang, Reply } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';

/** The replies of one inbound message as one outbox row, answered on the channel it came from. */
export async function writeOutbox(
  tx: Prisma.TransactionClient,
  citizenId: string,
  event: InboundEvent,
  language: Lang,
  replies: Reply[],
  kind: 'reply' | 'optOutConfirmation',
): Promise<string[]> {
  if (replies.length === 0) return [];
  const out = await tx.outboxMessage.create({
    data: {
      citizenId,
      channel: event.channel,
      address: event.address,
      language,
      kind,
      replies: replies as unknown as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  return [out.id];
}

/** An answer written straight to the address a message came from, outside any dialogue (an officer's). */
export async function writeDirect(
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  replies: Reply[],
  language: Lang,
): Promise<string[]> {
  if (replies.length === 0) return [];
  const row = await tx.outboxMessage.create({
    data: {
      channel: event.channel,
      address: event.address,
      language,
      replies: replies as unknown as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  return [row.id];
}
