import type { ChannelSender } from '../../core/channels/ChannelSender.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import { drawReply, type ConsoleSurface } from './drawReply.js';

/** The console channel's sender: draws each reply as the imitated channel would and writes it out. */
export function createConsoleSender(
  write: (text: string) => void,
  surface: ConsoleSurface,
  translator: Translator,
  smsMaxParts: number,
): ChannelSender {
  return {
    async send(message) {
      for (const reply of message.replies) {
        write(`${drawReply(surface, reply, message.lang, translator, smsMaxParts)}\n\n`);
      }
      return {};
    },
  };
}
