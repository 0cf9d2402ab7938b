import { randomUUID } from 'node:crypto';
import type { InboundEvent, Lang } from '../conversation/types.js';
import { normalizePhone } from '../domain/phone.js';
import { statement, type SqlSession } from '../db/statements.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DialogueCitizen, InboxDeps } from './inboxTypes.js';

// The sender of a message in one statement: an active officer writing from their linked chat
// account, or else the citizen behind a known address, read, locked, marked seen and (when $4)
// cleared of a provider's opt-out, with their conversation locked and read (see
// lockConversation: the upsert takes the row lock; waiting for it, it returns the state the
// holder committed). One row always: officerId null and no identity for a new address.
const FIND_SENDER = statement(
  'inbox_find_sender',
  `WITH officer AS (
     SELECT o.id FROM "Officer" o
     WHERE o."channel" = $1::"Channel" AND o."address" = $2 AND o."active"
   ), old AS (
     SELECT i.id, i."optedOutAt" FROM "ChannelIdentity" i
     WHERE i."channel" = $1::"Channel" AND i."address" = $2 AND NOT EXISTS (SELECT 1 FROM officer)
     FOR UPDATE OF i
   ), seen AS (
     UPDATE "ChannelIdentity" AS i
     SET "lastSeenAt" = $3,
       "optedOutAt" = CASE WHEN $4::boolean THEN NULL ELSE i."optedOutAt" END,
       "optOutReason" = CASE WHEN $4::boolean THEN NULL ELSE i."optOutReason" END
     FROM old, "Citizen" c
     WHERE i.id = old.id AND c.id = i."citizenId"
     RETURNING i.id::text AS "identityId", old."optedOutAt" AS "wasOptedOut", c.id::text AS citizen,
       c.language::text AS language, c.phone, c."privacyNoticeAt"
   ), locked AS (
     INSERT INTO "Conversation" ("citizenId", "state", "lastActivityAt", "updatedAt")
     SELECT seen.citizen::uuid, '{}'::jsonb, $3, $3 FROM seen
     ON CONFLICT ("citizenId") DO UPDATE SET "citizenId" = EXCLUDED."citizenId"
     RETURNING "state"
   )
   SELECT (SELECT officer.id::text FROM officer) AS "officerId", seen.*, locked.state AS "conversation"
   FROM (SELECT 1) AS one LEFT JOIN seen ON true LEFT JOIN locked ON true`,
);

// A new address: the citizen who already has the number the platform vouches for ($3), or a new
// one, and the address's identity for them, with the citizen's conversation locked and read (as
// in FIND_SENDER: a new one is created empty), in one statement. Two first messages from one new
// address race here: the loser's insert fails as a unique violation and its transaction retries.
const NEW_IDENTITY = statement(
  'inbox_new_identity',
  `WITH known AS (
     SELECT c.id, c.language, c.phone, c."privacyNoticeAt" FROM "Citizen" c
     WHERE $3::text IS NOT NULL AND c.phone = $3::text
   ), created AS (
     INSERT INTO "Citizen" ("id", "language", "phone", "updatedAt")
     SELECT $4::uuid, $5::"Language", $3::text, $6::timestamptz WHERE NOT EXISTS (SELECT 1 FROM known)
     RETURNING "id", "language", "phone", "privacyNoticeAt"
   ), citizen AS (
     SELECT * FROM known UNION ALL SELECT * FROM created
   ), identity AS (
     INSERT INTO "ChannelIdentity" ("id", "citizenId", "channel", "address", "createdAt", "lastSeenAt")
     SELECT $7::uuid, citizen.id, $1::"Channel", $2, $6::timestamptz, $6::timestamptz FROM citizen
   ), locked AS (
     INSERT INTO "Conversation" ("citizenId", "state", "lastActivityAt", "updatedAt")
     SELECT citizen.id, '{}'::jsonb, $6::timestamptz, $6::timestamptz FROM citizen
     ON CONFLICT ("citizenId") DO UPDATE SET "citizenId" = EXCLUDED."citizenId"
     RETURNING "state"
   )
   SELECT citizen.id::text AS id, citizen.language::text AS language, citizen.phone, citizen."privacyNoticeAt",
     EXISTS (SELECT 1 FROM known) AS linked, (SELECT locked.state FROM locked) AS conversation
   FROM citizen`,
);

/** What the inbox reads of the citizen behind a message. */
export type InboxCitizen = DialogueCitizen & { phone: string | null };

/**
 * Who wrote: an active officer from their linked account, or a citizen (found or created), with
 * their conversation's stored state when it was locked already (a known address).
 */
export type Sender = { officerId: string } | { citizen: InboxCitizen; lockedState?: unknown };

/**
 * The sender of a message: an active officer writing from their linked chat account, or the
 * citizen behind the channel address, found or created; a phone number known from another
 * channel links them. An officer, or a known address read, marked seen, (off SMS) cleared of a
 * provider's opt-out and its citizen's conversation locked, is one statement.
 */
export async function findSender(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  event: InboundEvent,
  now: Date,
): Promise<Sender> {
  // Writing again lifts an opt-out the provider reported here; on SMS only MULAI/START does,
  // as the provider itself refuses the number until then.
  const lifts = event.channel !== 'sms';
  const [found] = await sql.query<SenderRow>(FIND_SENDER, [event.channel, event.address, now, lifts]);
  if (found?.officerId) return { officerId: found.officerId };
  const known =
    found?.identityId && found.citizen ? { ...found, identityId: found.identityId, citizen: found.citizen } : null;
  if (!known) return createIdentity(deps, sql, event, now);
  const citizen = await citizenOf(deps, tx, event, known);
  // Linked to another citizen by phone just now: their conversation is still to lock.
  return citizen.id === known.citizen ? { citizen, lockedState: known.conversation } : { citizen };
}

/** FIND_SENDER's row: the officer, or the known identity (all null for a new address). */
type SenderRow = {
  officerId: string | null;
  identityId: string | null;
  wasOptedOut: Date | null;
  citizen: string | null;
  language: Lang;
  phone: string | null;
  privacyNoticeAt: Date | null;
  /** The conversation's stored state, locked. */
  conversation: unknown;
};

/**
 * The citizen of a known identity: its own, or the one who has the phone number the platform now
 * vouches for (then linked to it).
 */
async function citizenOf(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  identity: SenderRow & { identityId: string; citizen: string },
): Promise<InboxCitizen> {
  const phone = event.phone ? normalizePhone(event.phone) : null;
  if (event.channel !== 'sms' && identity.wasOptedOut !== null)
    deps.logger.info({ channel: event.channel, address: event.address }, 'opt-out lifted: the citizen wrote');
  const citizen: InboxCitizen = {
    id: identity.citizen,
    language: identity.language,
    phone: identity.phone,
    privacyNoticeAt: identity.privacyNoticeAt,
  };
  if (!phone || citizen.phone === phone) return citizen;
  // The platform now vouches for a phone number (a Telegram contact shared later): link this
  // identity to the citizen who already has that number, or record it on this citizen.
  const owner = await tx.citizen.findUnique({ where: { phone } });
  if (!owner) return tx.citizen.update({ where: { id: citizen.id }, data: { phone } });
  if (citizen.phone) return citizen;
  await tx.channelIdentity.update({ where: { id: identity.identityId }, data: { citizenId: owner.id } });
  deps.logger.info({ channel: event.channel, address: event.address }, 'channel identity linked by phone');
  return owner;
}

/**
 * A new address: the citizen with its number or a new one, with its identity, and their
 * conversation locked and read, in one statement.
 */
async function createIdentity(deps: InboxDeps, sql: SqlSession, event: InboundEvent, now: Date): Promise<Sender> {
  const phone = event.phone ? normalizePhone(event.phone) : null;
  const [created] = await sql.query<InboxCitizen & { linked: boolean; conversation: unknown }>(NEW_IDENTITY, [
    event.channel,
    event.address,
    phone,
    randomUUID(),
    deps.defaultLanguage,
    now,
    randomUUID(),
  ]);
  if (!created) throw new Error('the new identity was not written');
  const { linked, conversation, ...citizen } = created;
  deps.logger.info({ channel: event.channel, address: event.address, linked }, 'new channel identity');
  return { citizen, lockedState: conversation };
}
