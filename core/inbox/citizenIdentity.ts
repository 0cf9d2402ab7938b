import { randomUUID } from 'node:crypto';
import type { InboundEvent, Lang } from '../conversation/types.js';
import { normalizePhone } from '../domain/phone.js';
import { statement, type SqlSession } from '../db/statements.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DialogueCitizen, InboxDeps } from './inboxTypes.js';

// The sender of a message in one statement: an active officer writing from their linked chat
// account; or else the citizen behind a known address, read, locked, marked seen and (when $4)
// cleared of a provider's opt-out; or else, for a new address, the citizen who already has the
// number the platform vouches for ($5), or a new one ($6, in language $7), with the address's
// identity for them ($8). A citizen's conversation is locked and read in the same statement
// (created empty for a new one): the upsert takes the row lock, and waiting for it, it returns
// the state the holder committed. One row always: officerId null and no citizen only when an
// officer wrote. Two first messages from one new address race here: the loser's insert fails as
// a unique violation and its transaction retries (then finding the identity).
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
     RETURNING i.id::text AS "identityId", old."optedOutAt" AS "wasOptedOut", c.id AS citizen,
       c.language, c.phone, c."privacyNoticeAt"
   ), fresh AS (
     SELECT 1 AS one WHERE NOT EXISTS (SELECT 1 FROM officer) AND NOT EXISTS (SELECT 1 FROM old)
   ), known AS (
     SELECT c.id, c.language, c.phone, c."privacyNoticeAt" FROM "Citizen" c, fresh
     WHERE $5::text IS NOT NULL AND c.phone = $5::text
   ), created AS (
     INSERT INTO "Citizen" ("id", "language", "phone", "updatedAt")
     SELECT $6::uuid, $7::"Language", $5::text, $3::timestamptz FROM fresh WHERE NOT EXISTS (SELECT 1 FROM known)
     RETURNING "id", "language", "phone", "privacyNoticeAt"
   ), newcomer AS (
     SELECT *, true AS linked FROM known UNION ALL SELECT *, false FROM created
   ), identity AS (
     INSERT INTO "ChannelIdentity" ("id", "citizenId", "channel", "address", "createdAt", "lastSeenAt")
     SELECT $8::uuid, newcomer.id, $1::"Channel", $2, $3::timestamptz, $3::timestamptz FROM newcomer
   ), sender AS (
     SELECT seen."identityId", seen."wasOptedOut", seen.citizen, seen.language, seen.phone, seen."privacyNoticeAt",
       NULL::boolean AS linked
     FROM seen
     UNION ALL
     SELECT NULL, NULL, newcomer.id, newcomer.language, newcomer.phone, newcomer."privacyNoticeAt", newcomer.linked
     FROM newcomer
   ), locked AS (
     INSERT INTO "Conversation" ("citizenId", "state", "lastActivityAt", "updatedAt")
     SELECT sender.citizen, '{}'::jsonb, $3, $3 FROM sender
     ON CONFLICT ("citizenId") DO UPDATE SET "citizenId" = EXCLUDED."citizenId"
     RETURNING "state"
   )
   SELECT (SELECT officer.id::text FROM officer) AS "officerId", sender."identityId", sender."wasOptedOut",
     sender.citizen::text AS citizen, sender.language::text AS language, sender.phone, sender."privacyNoticeAt",
     sender.linked, (SELECT locked.state FROM locked) AS "conversation"
   FROM (SELECT 1) AS one LEFT JOIN sender ON true`,
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
 * channel links them. One statement finds an officer, or reads a known address, marks it seen,
 * (off SMS) clears a provider's opt-out and locks its citizen's conversation, or makes a new
 * address's identity and citizen and locks theirs; only a known address that the platform now
 * links by phone to another citizen takes more.
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
  const phone = event.phone ? normalizePhone(event.phone) : null;
  const [found] = await sql.query<SenderRow>(FIND_SENDER, [
    event.channel,
    event.address,
    now,
    lifts,
    phone,
    randomUUID(),
    deps.defaultLanguage,
    randomUUID(),
  ]);
  if (found?.officerId) return { officerId: found.officerId };
  if (!found?.citizen) throw new Error('the sender was neither found nor created');
  if (!found.identityId) {
    // A new address: made with its citizen (one who has the number, or a new one) just now.
    deps.logger.info({ channel: event.channel, address: event.address, linked: found.linked }, 'new channel identity');
    const citizen = {
      id: found.citizen,
      language: found.language,
      phone: found.phone,
      privacyNoticeAt: found.privacyNoticeAt,
    };
    return { citizen, lockedState: found.conversation };
  }
  const known = { ...found, identityId: found.identityId, citizen: found.citizen };
  const citizen = await citizenOf(deps, tx, event, known);
  // Linked to another citizen by phone just now: their conversation is still to lock.
  return citizen.id === known.citizen ? { citizen, lockedState: known.conversation } : { citizen };
}

/** FIND_SENDER's row: the officer, or the citizen of a known identity, or of a new one (identityId null). */
type SenderRow = {
  officerId: string | null;
  identityId: string | null;
  /** A new address's citizen was found by the phone number (true) or made (false). */
  linked: boolean | null;
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
