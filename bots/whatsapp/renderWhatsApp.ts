import type { RenderedReply } from '../../core/i18n/createTranslator.js';

/** A reply as a WhatsApp text: choices become a numbered list, answered by typing the number. */
export function renderWhatsApp(reply: RenderedReply): string {
  if (reply.options.length === 0) return reply.text;
  return `${reply.text}\n\n${reply.options.map((o, i) => `${i + 1}. ${o.label}`).join('\n')}`;
}
