import { randomUUID } from 'node:crypto';
import type { ConversationState, InboundEvent, Lang, Reply } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';

/**
 * The replies of one inbound message as one outbox row, answered on the channel it came from;
 * `citizenId` null for an answer outside any dialogue (an officer's).
 */
export async function writeOutbox(
  tx: Prisma.TransactionClient,
  citizenId: string | null,
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

/**
 * The end of a dialogue's message in one statement: the new state saved on the conversation (if
 * it still exists: an erasure removes it) and the replies written as one outbox row, answered on
 * the channel the message came from. Returns the row's id, if there were replies.
 */
export async function saveStateAndReplies(
  tx: Prisma.TransactionClient,
  citizenId: string,
  state: ConversationState,
  now: Date,
  event: InboundEvent,
  replies: Reply[],
  kind: 'reply' | 'optOutConfirmation',
): Promise<string[]> {
  const id = randomUUID();
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    WITH saved AS (
      UPDATE "Conversation" SET "state" = ${JSON.stringify(state)}::jsonb, "lastActivityAt" = ${now}, "updatedAt" = ${now}
      WHERE "citizenId" = ${citizenId}::uuid
    )
    INSERT INTO "OutboxMessage" ("id", "citizenId", "channel", "address", "language", "kind", "replies")
    SELECT ${id}::uuid, ${citizenId}::uuid, ${event.channel}::"Channel", ${event.address}, ${state.lang}::"Language",
      ${kind}, ${JSON.stringify(replies)}::jsonb
    WHERE ${replies.length > 0}
    RETURNING "id"::text AS id`;
  return rows.map((r) => r.id);
}
