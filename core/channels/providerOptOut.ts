import type { ChannelName } from '../conversation/types.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';

/**
 * Why an identity takes no messages: the recipient unsubscribed at Twilio (error 21610), blocked
 * the Telegram bot (`my_chat_member` kicked, or a send refused with 403), or sent STOP by SMS.
 */
export type OptOutReason = 'twilio-21610' | 'telegram-blocked' | 'sms-stop';

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Records that the person at `channel`/`address` takes no more messages there. On SMS it is the
 * citizen's `smsOptOut`, the flag STOP sets, so both are lifted the same way (MULAI/START); a
 * number the city only notified (no SMS identity yet) gets its identity now, to carry the reason.
 * Returns whether anyone was found at that address.
 */
export async function recordProviderOptOut(
  db: Db,
  logger: Logger,
  opt: { channel: ChannelName; address: string; reason: OptOutReason; at: Date },
): Promise<boolean> {
  const { channel, address, reason, at } = opt;
  const marked = await db.channelIdentity.updateMany({
    where: { channel, address, optedOutAt: null },
    data: { optedOutAt: at, optOutReason: reason },
  });
  let found = marked.count > 0 || (await db.channelIdentity.count({ where: { channel, address } })) > 0;
  if (channel === 'sms') {
    const identity = await db.channelIdentity.findUnique({ where: { channel_address: { channel, address } } });
    const citizen = identity
      ? { id: identity.citizenId }
      : await db.citizen.findUnique({ where: { phone: address }, select: { id: true } });
    if (citizen) {
      await db.citizen.update({ where: { id: citizen.id }, data: { smsOptOut: true } });
      if (!identity) {
        await db.channelIdentity.create({
          data: {
            citizenId: citizen.id,
            channel,
            address,
            createdAt: at,
            lastSeenAt: at,
            optedOutAt: at,
            optOutReason: reason,
          },
        });
      }
      found = true;
    }
  }
  logger.info({ channel, address, reason, found }, 'opt-out reported by the provider recorded');
  return found;
}

/** Lifts an opt-out of one identity (a Telegram user who unblocked the bot, a citizen writing again). */
export async function clearOptOut(db: Db, channel: ChannelName, address: string): Promise<boolean> {
  const cleared = await db.channelIdentity.updateMany({
    where: { channel, address, optedOutAt: { not: null } },
    data: { optedOutAt: null, optOutReason: null },
  });
  return cleared.count > 0;
}
