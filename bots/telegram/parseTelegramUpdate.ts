import type { InboundEvent, MediaRef } from '../../core/conversation/types.js';
import { coordinatesOf, idOf, listOf, recordOf, stringOf } from '../readNative.js';

/** The parts of a Bot API `Update` this adapter reads (https://core.telegram.org/bots/api#update). */
interface NativeUpdate {
  update_id?: unknown;
  message?: NativeMessage;
  callback_query?: {
    id?: string;
    from?: NativeUser;
    data?: string;
    /** Absent when the message with the button is too old for Telegram to send. */
    message?: { chat?: NativeChat };
  };
}

interface NativeUser {
  id: number;
  is_bot?: boolean;
}

interface NativeChat {
  id: number;
  type: string;
}

interface NativeMessage {
  from?: NativeUser;
  chat?: NativeChat;
  text?: string;
  caption?: string;
  /** One photo in several sizes, smallest first. */
  photo?: Array<{ file_id: string }>;
  document?: { file_id: string; mime_type?: string };
  location?: { latitude: number; longitude: number };
  contact?: { phone_number: string; user_id?: number };
  sticker?: unknown;
  voice?: unknown;
  audio?: unknown;
  video?: unknown;
  video_note?: unknown;
  animation?: unknown;
  poll?: unknown;
  dice?: unknown;
}

/** What a citizen can send that the core does not read yet: it still gets an answer (a hint). */
const UNREAD_CONTENT = ['sticker', 'voice', 'audio', 'video', 'video_note', 'animation', 'poll', 'dice'] as const;

/** `/bantuan@LayanKotaBot arg` -> command `bantuan`, rest `arg`. */
const COMMAND = /^\/(\w+)(?:@\w+)?(?:\s+([\s\S]*))?$/;

/**
 * A Telegram update as a neutral event, or null when it is not a citizen writing to the bot in a
 * private chat (channel posts, group chats, edited messages, bots, service messages, inline
 * queries). Telegram's quirks are settled here:
 * - `/start` is the "new conversation" signal; other commands keep their slash, minus the bot's name;
 * - a pressed inline button is a choice whose id is the button's callback data;
 * - a photo (or an image sent as a file) is a media reference `tg-file:<file_id>`, its caption the text;
 * - a contact the user shares of themself is a phone number Telegram vouches for, and also reads
 *   as that number typed (so it answers "your phone number?"); someone else's contact is only text.
 * `update_id` is the dedupe key: a webhook retry or a restarted poll brings the same id again.
 * @example parseTelegramUpdate({ update_id: 7, message: { chat: { id: 42, type: 'private' }, from: { id: 42 }, text: '/start' } }, now)
 *   // { channel: 'telegram', address: '42', externalId: 'tg-7', receivedAt: now, start: true, text: '' }
 */
export function parseTelegramUpdate(body: unknown, receivedAt: Date): InboundEvent | null {
  const update = recordOf(body) as NativeUpdate | undefined;
  if (!update || !Number.isSafeInteger(update.update_id)) return null;
  const base = { channel: 'telegram' as const, externalId: `tg-${update.update_id as number}`, receivedAt };

  const query = recordOf(update.callback_query) as NativeUpdate['callback_query'];
  if (query) {
    const chat = chatOf(recordOf(query.message)?.chat);
    const from = userOf(query.from);
    const data = idOf(query.data);
    if (!from || from.is_bot === true || !data || chat === null || (chat && chat.type !== 'private')) return null;
    // In a private chat the chat id is the user's id, so an old button without its message still has an address.
    return { ...base, address: String(chat?.id ?? from.id), choice: data };
  }

  const message = recordOf(update.message) as NativeMessage | undefined;
  const chat = chatOf(message?.chat);
  const from = userOf(message?.from);
  if (!message || !chat || chat.type !== 'private' || !from || from.is_bot === true) return null;
  const event = { ...base, address: String(chat.id) };

  if (message.text !== undefined) {
    if (typeof message.text !== 'string') return null;
    const command = COMMAND.exec(message.text.trim());
    if (command?.[1]?.toLowerCase() === 'start') return { ...event, start: true, text: command[2]?.trim() ?? '' };
    // Other commands keep their slash, without the bot's name: "/balas@KotaBot A1 ok" is "/balas A1 ok".
    // The core reads "/bantuan" as the word, and knows an officer command by its slash.
    if (command) return { ...event, text: [`/${command[1]}`, command[2]?.trim()].filter(Boolean).join(' ') };
    return { ...event, text: message.text };
  }
  const text = stringOf(message.caption) ?? '';
  const largest = recordOf(listOf(message.photo).at(-1));
  const photoId = idOf(largest?.file_id);
  if (photoId) return { ...event, text, media: [fileRef('image/jpeg', photoId)] };
  const document = recordOf(message.document);
  const documentType = stringOf(document?.mime_type, 100);
  const documentId = idOf(document?.file_id);
  if (documentType?.startsWith('image/') && documentId) {
    return { ...event, text, media: [fileRef(documentType, documentId)] };
  }
  if (recordOf(message.location)) {
    const location = coordinatesOf(message.location);
    return location ? { ...event, text: '', location } : { ...event, text: '' };
  }
  const contact = recordOf(message.contact);
  if (contact) {
    const digits = (stringOf(contact.phone_number, 40) ?? '').replace(/\D/g, '');
    const own = contact.user_id === from.id;
    return own && digits ? { ...event, text: digits, phone: digits } : { ...event, text: digits };
  }
  if (message.document || UNREAD_CONTENT.some((kind) => message[kind] !== undefined)) return { ...event, text };
  return null;
}

/** A user as Telegram sends one: a safe integer id; undefined for anything else. */
function userOf(value: unknown): NativeUser | undefined {
  const user = recordOf(value);
  return user && Number.isSafeInteger(user.id) ? (user as unknown as NativeUser) : undefined;
}

/** A chat: a safe integer id and a type; undefined when absent, null when present but malformed. */
function chatOf(value: unknown): NativeChat | null | undefined {
  if (value === undefined) return undefined;
  const chat = recordOf(value);
  return chat && Number.isSafeInteger(chat.id) && typeof chat.type === 'string'
    ? (chat as unknown as NativeChat)
    : null;
}

/** A file the bot can fetch later with getFile; a later step stores it. */
function fileRef(mimeType: string, fileId: string): MediaRef {
  return { mimeType, url: `tg-file:${fileId}` };
}
