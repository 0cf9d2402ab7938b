import type { RenderedReply } from '../../core/i18n/createTranslator.js';

export interface TelegramMessage {
  text: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
}

/** A reply as a Telegram message: choices become an inline keyboard, two buttons a row. */
export function renderTelegram(reply: RenderedReply): TelegramMessage {
  if (reply.options.length === 0) return { text: reply.text };
  const buttons = reply.options.map((o) => ({ text: o.label, callback_data: o.id }));
  const rows: TelegramMessage['reply_markup'] = { inline_keyboard: [] };
  for (let i = 0; i < buttons.length; i += 2) rows.inline_keyboard.push(buttons.slice(i, i + 2));
  return { text: reply.text, reply_markup: rows };
}
