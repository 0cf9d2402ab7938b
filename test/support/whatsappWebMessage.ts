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
