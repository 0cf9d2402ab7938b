import type { Core } from '../core/boot.js';
import { connectTelegram } from './connectTelegram.js';
import type { Runtime } from './createRuntime.js';
import { TELEGRAM_WEBHOOK_PATH } from './telegramRoutes.js';

/**
 * The bot role: the channel connections this process keeps. Telegram either long-polls from
 * here, or (webhook mode) has its webhook pointed at the web role's route. A bad token or an
 * unreachable Bot API fails the start with a clear error. Returns how to stop.
 */
export async function startBotRole(core: Core, runtime: Runtime): Promise<() => Promise<void>> {
  const telegram = core.config.telegram;
  const receiver = connectTelegram(core, runtime);
  if (!telegram || !receiver) return async () => undefined;
  if (telegram.mode === 'webhook') {
    await receiver.setWebhook(`${core.config.publicBaseUrl}${TELEGRAM_WEBHOOK_PATH}`, telegram.webhookSecret);
    return async () => undefined;
  }
  await receiver.startPolling();
  return () => receiver.stop();
}
