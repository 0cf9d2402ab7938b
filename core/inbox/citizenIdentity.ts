import type { InboundEvent, Lang } from '../conversation/types.js';
import { normalizePhone } from '../domain/phone.js';
import { statement, type SqlSession } from '../db/statements.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DialogueCitizen, InboxDeps } from './inboxTypes.js';

const SEEN_IDENTITY = statement(
  'inbox_seen_identity',
  `WITH old AS (
     SELECT i.id, i."optedOutAt" FROM "ChannelIdentity" i
     WHERE i."channel" = $1::"Channel" AND i."address" = $2
     FOR UPDATE
   )
   UPDATE "ChannelIdentity" AS i
   SET "lastSeenAt" = $3,
     "optedOutAt" = CASE WHEN $4::boolean THEN NULL ELSE i."optedOutAt" END,
     "optOutReason" = CASE WHEN $4::boolean THEN NULL ELSE i."optOutReason" END
   FROM old, "Citizen" c
   WHERE i.id = old.id AND c.id = i."citizenId"
   RETURNING i.id::text AS "identityId", old."optedOutAt" AS "wasOptedOut", c.id::text AS citizen,
     c.language::text AS language, c.phone, c."privacyNoticeAt"`,
);

/** What the inbox reads of the citizen behind a message. */
type InboxCitizen = DialogueCitizen & { phone: string | null };

/**
 * The citizen behind a channel address; a phone number known from another channel links them.
 * A known address is read, marked seen and (off SMS) cleared of a provider's opt-out in one
 * statement.
 */
export async function findOrCreateCitizen(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  event: InboundEvent,
  now: Date,
): Promise<InboxCitizen> {
  // Writing again lifts an opt-out the provider reported here; on SMS only MULAI/START does,
  // as the provider itself refuses the number until then.
  const lifts = event.channel !== 'sms';
  const [identity] = await sql.query<{
    identityId: string;
    wasOptedOut: Date | null;
    citizen: string;
    language: Lang;
    phone: string | null;
    privacyNoticeAt: Date | null;
  }>(SEEN_IDENTITY, [event.channel, event.address, now, lifts]);
  const phone = event.phone ? normalizePhone(event.phone) : null;
  if (identity) {
    if (lifts && identity.wasOptedOut !== null)
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
  const known = phone ? await tx.citizen.findUnique({ where: { phone } }) : null;
  const citizen = known ?? (await tx.citizen.create({ data: { language: deps.defaultLanguage, phone } }));
  await tx.channelIdentity.create({
    data: { citizenId: citizen.id, channel: event.channel, address: event.address, createdAt: now, lastSeenAt: now },
  });
  deps.logger.info({ channel: event.channel, address: event.address, linked: Boolean(known) }, 'new channel identity');
  return citizen;
}
