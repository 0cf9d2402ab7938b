import { createRequire } from 'node:module';
import type { Client, Message } from 'whatsapp-web.js';

/** The raw data whatsapp-web.js reads from WhatsApp Web's page for a message (WWebJS.getMessageModel). */
export interface WebMessageData {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  type: string;
  [field: string]: unknown;
}

const require = createRequire(import.meta.url);
// whatsapp-web.js exports its Message class, but its typings declare Message as an interface only.
const { Message: MessageClass } = require('whatsapp-web.js') as {
  Message: new (client: Client, data: WebMessageData) => Message;
};

/**
 * A real whatsapp-web.js Message, built as the library builds one from the page's data, for a
 * client that is never initialized: what its 'message' event would carry.
 */
export function webMessage(client: Client, data: WebMessageData): Message {
  return new MessageClass(client, data);
}

const { MessageMedia } = require('whatsapp-web.js') as typeof import('whatsapp-web.js');

/** What the WhatsApp Web page holds of messages already received: their data, and a file's bytes. */
export type WebPage = Map<string, { data: WebMessageData; file?: Buffer }>;

/**
 * Makes a never-initialized client answer as the WhatsApp Web page would (the network edge):
 * `getMessageById` finds a message in `page` by its serialized id (null when the page has none,
 * as the library answers), and that message's `downloadMedia()` resolves a real MessageMedia
 * with the file's bytes in base64, or undefined when WhatsApp no longer serves it.
 */
export function serveWebPage(client: Client, page: WebPage): void {
  client.getMessageById = async (messageId: string): Promise<Message> => {
    const found = page.get(messageId);
    // whatsapp-web.js answers null for a message the page does not have; its typings omit that.
    if (!found) return null as unknown as Message;
    const message = webMessage(client, found.data);
    const { file } = found;
    const mimetype = typeof found.data.mimetype === 'string' ? found.data.mimetype : 'application/octet-stream';
    message.downloadMedia = async () =>
      file
        ? new MessageMedia(mimetype, file.toString('base64'), null, file.length)
        : (undefined as unknown as InstanceType<typeof MessageMedia>);
    return message;
  };
}
