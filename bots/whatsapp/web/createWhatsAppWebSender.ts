import type { Client } from 'whatsapp-web.js';
import type { ChannelSender } from '../../../core/channels/ChannelSender.js';
import { renderWhatsApp } from '../renderWhatsApp.js';

/** The part of a whatsapp-web.js Client that sending needs. */
export type WhatsAppWebSendingClient = Pick<Client, 'sendMessage'>;

/** The chat id whatsapp-web.js sends to: a number becomes `<digits>@c.us`; a linked id (`...@lid`) is one already. */
function toWhatsAppChatId(address: string): string {
  return address.includes('@') ? address : `${address}@c.us`;
}

/**
 * The WhatsApp channel's sender over a logged-in whatsapp-web.js session: each reply as one text,
 * its choices as a numbered list answered by typing the number.
 * @example createWhatsAppWebSender(client).send(message) // client.sendMessage('6281234567890@c.us', 'Pilih layanan:\n\n1. ...')
 */
export function createWhatsAppWebSender(client: WhatsAppWebSendingClient): ChannelSender {
  return {
    async send(message) {
      const chatId = toWhatsAppChatId(message.address);
      const ids: string[] = [];
      for (const reply of message.replies) {
        const sent = await client.sendMessage(chatId, renderWhatsApp(reply));
        // The message's own id, as for inbound ones: the serialized form names the citizen's number.
        if (sent?.id?.id) ids.push(sent.id.id);
      }
      return { providerMessageId: ids.length > 0 ? ids.join(',') : undefined };
    },
  };
}
