import { createTelegramReceiver } from '../../bots/telegram/createTelegramReceiver.js';
import type { InboundEvent } from '../../core/conversation/types.js';
import { FakeTelegramApi } from '../support/fakeTelegramApi.js';
import { captureLogger } from '../support/silentLogger.js';
import { startApp } from '../support/startApp.js';
import {
  appSender,
  expectAccepted,
  outbound,
  readFixtures,
  RECEIVED_AT,
  type ChannelUnderTest,
} from './ChannelUnderTest.js';

const TOKEN = '7000000001:AAHharnessTokenNeverLogged_0123456789';
const WEBHOOK_SECRET = 'harness-telegram-webhook-secret';

/**
 * Telegram: updates through the real receiver (telegraf, answering button presses at a local fake
 * of the Bot API) with a logger of its own; replies by the registry's telegraf client; the app
 * takes updates at its webhook.
 */
export const telegramChannel: ChannelUnderTest = {
  name: 'telegram',
  fixtures: readFixtures('telegram'),
  async start() {
    const api = new FakeTelegramApi(TOKEN);
    await api.start();
    const app = await startApp({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.baseUrl,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    const log = captureLogger();
    const received: InboundEvent[] = [];
    const receiver = createTelegramReceiver({
      token: TOKEN,
      apiRoot: api.baseUrl,
      logger: log.logger,
      clock: () => RECEIVED_AT,
      receive: async (event) => void received.push(event),
    });
    return {
      app,
      secrets: [TOKEN, TOKEN.split(':')[1] ?? TOKEN, WEBHOOK_SECRET],
      adapterLogLines: log.lines,
      async parse(update) {
        received.length = 0;
        await receiver.handleUpdate(update);
        if (received.length > 1) throw new Error('one update became several events');
        return received[0] ?? null;
      },
      async send(replies, address) {
        api.calls.length = 0;
        await appSender(app, 'telegram').send(outbound('telegram', address, replies));
        return api.callsOf('sendMessage').map((c) => c.params);
      },
      async deliver(update) {
        const response = await fetch(`${app.baseUrl}/webhooks/telegram`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
          body: JSON.stringify(update),
        });
        await expectAccepted(response);
      },
      async stop() {
        await receiver.stop();
        await app.stop();
        await api.stop();
      },
    };
  },
};
