import type { RenderedReply, Translator } from '../../core/i18n/createTranslator.js';
import type { Lang } from '../../core/conversation/types.js';
import { renderSms } from '../sms/renderSms.js';
import { renderTelegram } from '../telegram/renderTelegram.js';
import { renderWhatsApp } from '../whatsapp/renderWhatsApp.js';

/** How the console shows replies: as plain text, or as SMS, Telegram or WhatsApp would. */
export const CONSOLE_SURFACES = ['console', 'sms', 'telegram', 'whatsapp'] as const;
export type ConsoleSurface = (typeof CONSOLE_SURFACES)[number];

/** Draws one reply for a terminal, using the real renderer of the channel it imitates. */
export function drawReply(
  surface: ConsoleSurface,
  reply: RenderedReply,
  lang: Lang,
  translator: Translator,
  smsMaxParts: number,
): string {
  switch (surface) {
    case 'sms': {
      const parts = renderSms(reply, {
        replyWord: translator.t(lang, { key: 'sms.replyWord' }),
        maxParts: smsMaxParts,
      });
      return parts.map((p) => `[SMS ${p.length} chars]\n${p}`).join('\n');
    }
    case 'telegram': {
      const message = renderTelegram(reply);
      const keyboard = (message.reply_markup?.inline_keyboard ?? [])
        .map((row) => row.map((b) => `[ ${b.text} ]`).join(' '))
        .join('\n');
      return keyboard ? `${message.text}\n${keyboard}` : message.text;
    }
    case 'whatsapp':
    case 'console':
      return renderWhatsApp(reply);
  }
}
