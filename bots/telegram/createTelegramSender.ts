import { setTimeout as sleep } from 'node:timers/promises';
import type { Telegram } from 'telegraf';
import type { ChannelSender } from '../../core/channels/ChannelSender.js';
import { RecipientOptedOut } from '../../core/channels/RecipientOptedOut.js';
import type { Lang } from '../../core/conversation/types.js';
import type { RenderedReply, Translator } from '../../core/i18n/createTranslator.js';
import { renderTelegram } from './renderTelegram.js';
import { TelegramCallError } from './TelegramCallError.js';

export interface TelegramSenderOptions {
  /** telegraf's Bot API client, pointed at Telegram or at a self-hosted Bot API server. */
  telegram: Pick<Telegram, 'sendMessage' | 'token'>;
  translator: Translator;
  /** The city's name, to recognise the welcome that answers /start. */
  cityName: string;
  /** The longest 429 `retry_after` waited out in place; a longer one fails the attempt. */
  maxRetryWaitMs?: number;
}

/**
 * Telegram's 403 descriptions that mean this person takes no messages from the bot: they blocked
 * it, or deleted their account. Both are what `my_chat_member` kicked says, learnt on a send.
 * Other 403s (a group the bot left, a user who never started it) are ordinary failures.
 */
const BLOCKED_DESCRIPTIONS = ['bot was blocked by the user', 'user is deactivated'];

/** Telegram refuses a text longer than this. */
const TEXT_LIMIT = 4096;

/**
 * The Telegram channel's sender: each reply becomes a message with its choices as an inline
 * keyboard (two buttons a row, the option ids as callback data). The welcome that answers /start
 * is followed by a one-time "Bagikan nomor HP" button, so a citizen who wrote by SMS or WhatsApp
 * before can link this chat to that number. When Telegram answers 429, the send is tried once
 * more after its `retry_after` (up to `maxRetryWaitMs`); otherwise the failure is thrown as a
 * TelegramCallError carrying the delay, and the outbox retries the message. A 403 "bot was
 * blocked by the user" (or "user is deactivated") is thrown as RecipientOptedOut: no retry can
 * pass, and the outbox records the opt-out on the identity.
 */
export function createTelegramSender(options: TelegramSenderOptions): ChannelSender {
  const { telegram, translator } = options;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;

  async function call<T>(method: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const failure = refusal(error, method);
      if (!(failure instanceof TelegramCallError) || failure.retryAfterMs === undefined) throw failure;
      if (failure.retryAfterMs > maxRetryWaitMs) throw failure;
      await sleep(failure.retryAfterMs);
      try {
        return await request();
      } catch (again) {
        throw refusal(again, method);
      }
    }
  }

  /** What a failed call throws: RecipientOptedOut for a blocked bot, else a TelegramCallError. */
  function refusal(error: unknown, method: string): TelegramCallError | RecipientOptedOut {
    const failure = TelegramCallError.from(error, method, telegram.token);
    const said = failure.message.toLowerCase();
    if (failure.code === 403 && BLOCKED_DESCRIPTIONS.some((d) => said.includes(d))) {
      return new RecipientOptedOut('telegram-blocked', failure.message);
    }
    return failure;
  }

  const isWelcome = (reply: RenderedReply, lang: Lang) =>
    reply.text.startsWith(translator.t(lang, { key: 'menu.welcome', params: { city: options.cityName } }));

  return {
    async send(message) {
      const ids: number[] = [];
      const sendText = async (text: string, extra: Parameters<Telegram['sendMessage']>[2]) => {
        const sent = await call('sendMessage', () => telegram.sendMessage(message.address, text, extra));
        ids.push(sent.message_id);
      };
      for (const reply of message.replies) {
        const { text, reply_markup } = renderTelegram(reply);
        const chunks = splitText(text);
        // The keyboard goes with the last piece, right above where the citizen answers.
        for (const [i, chunk] of chunks.entries()) {
          await sendText(chunk, i === chunks.length - 1 && reply_markup ? { reply_markup } : {});
        }
        if (isWelcome(reply, message.lang)) {
          // A message carries one keyboard: the contact button needs a message of its own.
          await sendText(translator.t(message.lang, { key: 'telegram.sharePhone.prompt' }), {
            reply_markup: {
              keyboard: [
                [{ text: translator.t(message.lang, { key: 'telegram.sharePhone.button' }), request_contact: true }],
              ],
              resize_keyboard: true,
              one_time_keyboard: true,
            },
          });
        }
      }
      return { providerMessageId: ids.length > 0 ? ids.join(',') : undefined };
    },
  };
}

/** Cuts a text into pieces Telegram accepts, at line breaks where it can, else at spaces. */
function splitText(text: string): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > TEXT_LIMIT) {
    const window = rest.slice(0, TEXT_LIMIT);
    let cut = window.lastIndexOf('\n');
    if (cut < TEXT_LIMIT / 2) cut = Math.max(cut, window.lastIndexOf(' '));
    if (cut <= 0) cut = /[\uD800-\uDBFF]/.test(window.at(-1) ?? '') ? TEXT_LIMIT - 1 : TEXT_LIMIT;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  pieces.push(rest);
  return pieces;
}
