import type { Telegram } from 'telegraf';
import { TELEGRAM_WEBHOOK_PATH, telegramRoutes } from '../../app/telegramRoutes.js';
import type { TelegramConfig } from '../../core/config/loadConfig.js';
import { onFirstUse } from '../../core/onFirstUse.js';
import { prefixedMediaFetcher, senderOnFirstUse, type ChannelModule } from '../ChannelModule.js';

/**
 * The city's Telegram bot (on when TELEGRAM_BOT_TOKEN is set). The bot role either long-polls,
 * or (webhook mode) points Telegram's webhook at the web role's route. A bad token or an
 * unreachable Bot API fails the start with a clear error. telegraf is loaded by the process that
 * uses it, when it first does (a reply, a photo, the bot role's start, the first webhook call).
 */
export const telegramChannel = {
  capabilities: { media: true, location: true, throttled: true, compact: false },
  status: ({ telegram }) => ({ mode: telegram?.mode ?? 'off', receiving: Boolean(telegram) }),
  sender({ config: { telegram }, translator, cityName }) {
    if (!telegram) return null;
    const sender = senderOnFirstUse(async () => {
      const { createTelegramSender } = await import('./createTelegramSender.js');
      return createTelegramSender({ telegram: await botApi(telegram), translator, cityName });
    });
    return { sender, perSecond: telegram.ratePerSecond };
  },
  routes: telegramRoutes,
  async startBot(core, runtime) {
    const telegram = core.config.telegram;
    if (!telegram) return async () => undefined;
    const { connectTelegram } = await import('../../app/connectTelegram.js');
    const receiver = connectTelegram(core, runtime);
    if (!receiver) return async () => undefined;
    if (telegram.mode === 'webhook') {
      await receiver.setWebhook(`${core.config.publicBaseUrl}${TELEGRAM_WEBHOOK_PATH}`, telegram.webhookSecret);
      return async () => undefined;
    }
    await receiver.startPolling();
    return () => receiver.stop();
  },
  mediaFetcher({ config: { telegram } }) {
    if (!telegram) return null;
    const fetcher = onFirstUse(async () => {
      const { createTelegramFileFetcher } = await import('./createTelegramFileFetcher.js');
      return createTelegramFileFetcher(await botApi(telegram));
    });
    return prefixedMediaFetcher('tg-file:', async (id) => (await fetcher())(id));
  },
} satisfies ChannelModule;

async function botApi(telegram: TelegramConfig): Promise<Telegram> {
  const { Telegram } = await import('telegraf');
  return new Telegram(telegram.token, { apiRoot: `${telegram.apiRoot}/` });
}
