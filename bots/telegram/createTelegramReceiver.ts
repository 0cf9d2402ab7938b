import { setTimeout as sleep } from 'node:timers/promises';
import { Telegraf } from 'telegraf';
import type { InboundEvent } from '../../core/conversation/types.js';
import type { Logger } from '../../core/log/createLogger.js';
import { parseTelegramMembership, type TelegramMembershipChange } from './parseTelegramMembership.js';
import { parseTelegramUpdate } from './parseTelegramUpdate.js';
import { TelegramCallError } from './TelegramCallError.js';

export interface TelegramReceiverOptions {
  token: string;
  /** Telegram's Bot API (https://api.telegram.org) or a self-hosted Bot API server. */
  apiRoot: string;
  logger: Logger;
  clock: () => Date;
  /** Where each neutral event goes: the core's inbox. A throw is the failure of that update. */
  receive: (event: InboundEvent) => Promise<void>;
  /** Where a citizen blocking or unblocking the bot goes (`my_chat_member`); a throw fails the update. Ignored when absent. */
  membership?: (change: TelegramMembershipChange) => Promise<void>;
}

/** How updates reach LayanKota from Telegram: long polling, or a webhook the web role serves. */
export interface TelegramReceiver {
  /**
   * Handles one update, from the poll or the webhook: answers a button press (so its spinner
   * stops), translates the update and hands the event on, after the earlier ones of its chat.
   */
  handleUpdate(update: unknown): Promise<void>;
  /** Connects (getMe), removes any webhook and starts long polling; resolves once connected. */
  startPolling(): Promise<void>;
  /** Points Telegram's webhook at `url`; Telegram then sends `secret` with every call. */
  setWebhook(url: string, secret: string): Promise<void>;
  /** Stops polling and waits for the updates in hand. */
  stop(): Promise<void>;
}

/**
 * What a citizen sends, and the bot's own membership of their chat (a user blocking the bot): no
 * edits, channel posts or inline queries.
 */
export const ALLOWED_UPDATES: Array<'message' | 'callback_query' | 'my_chat_member'> = [
  'message',
  'callback_query',
  'my_chat_member',
];

/**
 * The Telegram receiver over telegraf: `bot.launch()` for long polling, `handleUpdate` for the
 * webhook route. It only translates; the inbox decides what an update means.
 * @example const receiver = createTelegramReceiver({ token, apiRoot, logger, clock, receive });
 *   await receiver.startPolling();
 */
export function createTelegramReceiver(options: TelegramReceiverOptions): TelegramReceiver {
  const { logger, token } = options;
  // webhookReply off: answers go as API calls, never in a webhook response we do not hand over.
  const bot = new Telegraf(token, { telegram: { apiRoot: `${options.apiRoot}/`, webhookReply: false } });
  const chats = new Map<string, Promise<void>>();
  let polling: Promise<void> | null = null;

  /** Runs the tasks of one chat one after another, in arrival order; chats go side by side. */
  function inChatOrder(chat: string, task: () => Promise<void>): Promise<void> {
    const current = (chats.get(chat) ?? Promise.resolve()).then(task);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    chats.set(chat, settled);
    void settled.then(() => {
      if (chats.get(chat) === settled) chats.delete(chat);
    });
    return current;
  }

  async function answerButton(queryId: string): Promise<void> {
    try {
      await bot.telegram.answerCbQuery(queryId);
    } catch (error) {
      logger.warn({ err: TelegramCallError.from(error, 'answerCallbackQuery', token) }, 'Telegram button not answered');
    }
  }

  async function handleUpdate(update: unknown): Promise<void> {
    const queryId = (update as { callback_query?: { id?: unknown } } | null)?.callback_query?.id;
    // Parse and queue before any await, so updates of one batch keep their order.
    const event = parseTelegramUpdate(update, options.clock());
    const onMembership = options.membership;
    const membership = event || !onMembership ? null : parseTelegramMembership(update);
    if (!event && !membership) {
      logger.debug({ updateId: (update as { update_id?: unknown } | null)?.update_id }, 'Telegram update ignored');
    }
    const handled = event
      ? inChatOrder(event.address, () => options.receive(event))
      : membership && onMembership
        ? inChatOrder(membership.address, () => onMembership(membership))
        : Promise.resolve();
    await Promise.all([typeof queryId === 'string' ? answerButton(queryId) : undefined, handled]);
  }

  bot.use((ctx) => handleUpdate(ctx.update));
  // telegraf's default prints the whole update (personal data) and stops polling.
  bot.catch((error, ctx) => {
    logger.error({ err: error, updateId: ctx.update.update_id }, 'Telegram update failed');
  });

  return {
    handleUpdate,

    startPolling() {
      return new Promise<void>((resolve, reject) => {
        let connected = false;
        polling = bot.launch({ allowedUpdates: ALLOWED_UPDATES }, () => {
          connected = true;
          logger.info({ bot: bot.botInfo?.username }, 'Telegram long polling started');
          resolve();
        });
        polling.then(
          () => logger.info('Telegram long polling stopped'),
          (error: unknown) => {
            const failure = TelegramCallError.from(error, connected ? 'long polling' : 'getMe', token);
            // 409: another process polls with this token, or a webhook is set.
            logger.error({ err: failure }, 'Telegram long polling stopped');
            reject(failure);
          },
        );
      });
    },

    async setWebhook(url, secret) {
      try {
        await bot.telegram.setWebhook(url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES });
      } catch (error) {
        throw TelegramCallError.from(error, 'setWebhook', token);
      }
      logger.info({ url }, 'Telegram webhook set');
    },

    async stop() {
      if (polling) {
        const done = polling.then(
          () => true,
          () => true,
        );
        // launch() makes its poller only after getMe and deleteWebhook; until then bot.stop() throws.
        for (;;) {
          try {
            bot.stop('shutdown');
            break;
          } catch {
            if (await Promise.race([done, sleep(50).then(() => false)])) break;
          }
        }
        await done;
        polling = null;
      }
      await Promise.all(chats.values());
    },
  };
}
