import type { ChannelSender } from '../../core/channels/ChannelSender.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import { renderSms } from './renderSms.js';

/** Sends one SMS text; returns the provider's id for it. */
export type SendSmsText = (to: string, body: string) => Promise<string | undefined>;

/**
 * The SMS channel's sender over any provider: each reply is rendered for SMS (GSM-7, choices as
 * "Balas 1/2/3", marked parts within the city's cap) and each part sent as one text.
 */
export function createSmsSender(sendText: SendSmsText, translator: Translator, maxParts: number): ChannelSender {
  return {
    async send(message) {
      const ids: string[] = [];
      const replyWord = translator.t(message.lang, { key: 'sms.replyWord' });
      for (const reply of message.replies) {
        for (const part of renderSms(reply, { replyWord, maxParts })) {
          const id = await sendText(message.address, part);
          if (id) ids.push(id);
        }
      }
      return { providerMessageId: ids.length > 0 ? ids.join(',') : undefined };
    },
  };
}
