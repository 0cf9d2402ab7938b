import type { InboundEvent } from '../conversation/types.js';
import { normalizePhone } from '../domain/phone.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { InboxDeps } from './inboxTypes.js';

/** The citizen behind a channel address; a phone number known from another channel links them. */
export async function findOrCreateCitizen(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  now: Date,
) {
  const identity = await tx.channelIdentity.findUnique({
    where: { channel_address: { channel: event.channel, address: event.address } },
    include: { citizen: true },
  });
  const phone = event.phone ? normalizePhone(event.phone) : null;
  if (identity) {
    // Writing again lifts an opt-out the provider reported here; on SMS only MULAI/START does,
    // as the provider itself refuses the number until then.
    const lifted = identity.optedOutAt !== null && event.channel !== 'sms';
    await tx.channelIdentity.update({
      where: { id: identity.id },
      data: { lastSeenAt: now, ...(lifted ? { optedOutAt: null, optOutReason: null } : {}) },
    });
    if (lifted)
      deps.logger.info({ channel: event.channel, address: event.address }, 'opt-out lifted: the citizen wrote');
    if (!phone || identity.citizen.phone === phone) return identity.citizen;
    // The platform now vouches for a phone number (a Telegram contact shared later): link this
    // identity to the citizen who already has that number, or record it on this citizen.
    const owner = await tx.citizen.findUnique({ where: { phone } });
    if (!owner) return tx.citizen.update({ where: { id: identity.citizenId }, data: { phone } });
    if (identity.citizen.phone) return identity.citizen;
    await tx.channelIdentity.update({ where: { id: identity.id }, data: { citizenId: owner.id } });
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
