import { Telegram } from 'telegraf';
import { connectTelegram } from '../../app/connectTelegram.js';
import { TELEGRAM_WEBHOOK_PATH, telegramRoutes } from '../../app/telegramRoutes.js';
import type { TelegramConfig } from '../../core/config/loadConfig.js';
import { prefixedMediaFetcher, type ChannelModule } from '../ChannelModule.js';
import { createTelegramFileFetcher } from './createTelegramFileFetcher.js';
import { createTelegramSender } from './createTelegramSender.js';

/**
 * The city's Telegram bot (on when TELEGRAM_BOT_TOKEN is set). The bot role either long-polls,
 * or (webhook mode) points Telegram's webhook at the web role's route. A bad token or an
 * unreachable Bot API fails the start with a clear error.
 */
export const telegramChannel = {
  capabilities: { media: true, location: true, throttled: true, compact: false },
  status: ({ telegram }) => ({ mode: telegram?.mode ?? 'off', receiving: Boolean(telegram) }),
  sender({ config: { telegram }, translator, cityName }) {
    if (!telegram) return null;
    return {
      sender: createTelegramSender({ telegram: botApi(telegram), translator, cityName }),
      perSecond: telegram.ratePerSecond,
    };
  },
  routes: telegramRoutes,
  async startBot(core, runtime) {
    const telegram = core.config.telegram;
    const receiver = connectTelegram(core, runtime);
    if (!telegram || !receiver) return async () => undefined;
    if (telegram.mode === 'webhook') {
      await receiver.setWebhook(`${core.config.publicBaseUrl}${TELEGRAM_WEBHOOK_PATH}`, telegram.webhookSecret);
      return async () => undefined;
    }
    await receiver.startPolling();
    return () => receiver.stop();
  },
  mediaFetcher: ({ config: { telegram } }) =>
    telegram ? prefixedMediaFetcher('tg-file:', createTelegramFileFetcher(botApi(telegram))) : null,
} satisfies ChannelModule;

function botApi(telegram: TelegramConfig): Telegram {
  return new Telegram(telegram.token, { apiRoot: `${telegram.apiRoot}/` });
}
