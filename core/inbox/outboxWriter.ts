import { randomUUID } from 'node:crypto';
import type { ConversationState, InboundEvent, Lang, Reply } from '../conversation/types.js';
import { statement, type SqlSession } from '../db/statements.js';

const WRITE_OUTBOX = statement(
  'inbox_write_outbox',
  `INSERT INTO "OutboxMessage" ("id", "citizenId", "channel", "address", "language", "kind", "replies")
   VALUES ($1::uuid, $2::uuid, $3::"Channel", $4, $5::"Language", $6, $7::jsonb)`,
);

// The state saved, and when $11 the first-contact privacy notice went with the replies: the
// citizen marked as told and the trail's event (UU PDP: they were told, and when).
const SAVE_STATE_AND_REPLIES = statement(
  'inbox_save_state_and_replies',
  `WITH saved AS (
     UPDATE "Conversation" SET "state" = $1::jsonb, "lastActivityAt" = $2, "updatedAt" = $2
     WHERE "citizenId" = $3::uuid
   ), told AS (
     UPDATE "Citizen" SET "privacyNoticeAt" = $2, "updatedAt" = now() WHERE $11::boolean AND id = $3::uuid
     RETURNING id
   ), trail AS (
     INSERT INTO "PersonalDataEvent" (at, "actorType", "actorId", action, via, "citizenId", fields)
     SELECT $2, 'citizen', told.id::text, 'notice', 'chat', told.id, '{}' FROM told
   )
   INSERT INTO "OutboxMessage" ("id", "citizenId", "channel", "address", "language", "kind", "replies")
   SELECT $4::uuid, $3::uuid, $5::"Channel", $6, $7::"Language", $8, $9::jsonb
   WHERE $10::boolean
   RETURNING "id"::text AS id`,
);

/**
 * The replies of one inbound message as one outbox row, answered on the channel it came from;
 * `citizenId` null for an answer outside any dialogue (an officer's).
 */
export async function writeOutbox(
  sql: SqlSession,
  citizenId: string | null,
  event: InboundEvent,
  language: Lang,
  replies: Reply[],
  kind: 'reply' | 'optOutConfirmation',
): Promise<string[]> {
  if (replies.length === 0) return [];
  const id = randomUUID();
  await sql.query(WRITE_OUTBOX, [id, citizenId, event.channel, event.address, language, kind, JSON.stringify(replies)]);
  return [id];
}

/**
 * The end of a dialogue's message in one statement: the new state saved on the conversation (if
 * it still exists: an erasure removes it), the privacy notice recorded when it went with the
 * replies, and the replies written as one outbox row, answered on the channel the message came
 * from. Returns the row's id, if there were replies.
 */
export async function saveStateAndReplies(
  sql: SqlSession,
  citizenId: string,
  state: ConversationState,
  now: Date,
  event: InboundEvent,
  replies: Reply[],
  kind: 'reply' | 'optOutConfirmation',
  noticeShown = false,
): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(SAVE_STATE_AND_REPLIES, [
    JSON.stringify(state),
    now,
    citizenId,
    randomUUID(),
    event.channel,
    event.address,
    state.lang,
    kind,
    JSON.stringify(replies),
    replies.length > 0,
    noticeShown,
  ]);
  return rows.map((r) => r.id);
}
