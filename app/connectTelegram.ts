import { createTelegramReceiver, type TelegramReceiver } from '../bots/telegram/createTelegramReceiver.js';
import type { Core } from '../core/boot.js';
import { clearOptOut, recordProviderOptOut } from '../core/channels/providerOptOut.js';
import type { Runtime } from './createRuntime.js';
import { receiveInbound } from './receiveInbound.js';

/**
 * The Telegram receiver of this process, its updates going through the core's inbox like every
 * channel's; null when TELEGRAM_BOT_TOKEN is unset.
 */
export function connectTelegram(core: Core, runtime: Runtime): TelegramReceiver | null {
  const telegram = core.config.telegram;
  if (!telegram) return null;
  return createTelegramReceiver({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    logger: core.logger,
    clock: core.clock,
    receive: (event) => receiveInbound(core, runtime, event),
    // A user who blocks the bot is sent nothing more until they start it again or write.
    membership: async ({ address, blocked }) => {
      const { prisma } = core.db;
      if (blocked) {
        await recordProviderOptOut(prisma, core.logger, {
          channel: 'telegram',
          address,
          reason: 'telegram-blocked',
          at: core.clock(),
        });
      } else if (await clearOptOut(prisma, 'telegram', address)) {
        core.logger.info({ channel: 'telegram', address }, 'opt-out lifted: the bot was started again');
      }
    },
  });
}
