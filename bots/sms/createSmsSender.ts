import type { ChannelSender } from '../../core/channels/ChannelSender.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import { renderSms } from './renderSms.js';

/** One text a provider accepted: its id and body. */
export interface AcceptedText {
  id: string;
  body: string;
}

/**
 * Sends one SMS text; returns the provider's id for it. A provider that can list what it
 * accepted also answers `acceptedSince` (texts to a number since a moment, newest first).
 */
export type SendSmsText = ((to: string, body: string) => Promise<string | undefined>) & {
  acceptedSince?: (to: string, since: Date) => Promise<AcceptedText[]>;
};

/**
 * The SMS channel's sender over any provider: each reply is rendered for SMS (GSM-7, choices as
 * "Balas 1/2/3", marked parts within the city's cap) and each part sent as one text. A message
 * handed over before and never settled (`resume`) is checked with the provider first, where it
 * can list what it accepted: a part it already has is not sent again.
 */
export function createSmsSender(sendText: SendSmsText, translator: Translator, maxParts: number): ChannelSender {
  return {
    async send(message) {
      const ids: string[] = [];
      const replyWord = translator.t(message.lang, { key: 'sms.replyWord' });
      const resume = message.resume;
      const accepted =
        resume && sendText.acceptedSince
          ? (await sendText.acceptedSince(message.address, resume.since)).filter(
              (t) => !resume.otherProviderIds.includes(t.id),
            )
          : [];
      for (const reply of message.replies) {
        for (const part of renderSms(reply, { replyWord, maxParts })) {
          // Oldest first, so that two equal parts match the texts in the order they went.
          const already = accepted.findLastIndex((t) => t.body === part);
          if (already >= 0) {
            ids.push(accepted[already]!.id);
            accepted.splice(already, 1);
            continue;
          }
          const id = await sendText(message.address, part);
          if (id) ids.push(id);
        }
      }
      return { providerMessageId: ids.length > 0 ? ids.join(',') : undefined };
    },
  };
}
