import type { InboundEvent, MediaRef } from '../../core/conversation/types.js';

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
  const update = (body ?? {}) as NativeUpdate;
  if (typeof update.update_id !== 'number') return null;
  const base = { channel: 'telegram' as const, externalId: `tg-${update.update_id}`, receivedAt };

  const query = update.callback_query;
  if (query) {
    const chat = query.message?.chat;
    if (!query.from || query.from.is_bot || !query.data || (chat && chat.type !== 'private')) return null;
    // In a private chat the chat id is the user's id, so an old button without its message still has an address.
    return { ...base, address: String(chat?.id ?? query.from.id), choice: query.data };
  }

  const message = update.message;
  if (!message?.chat || message.chat.type !== 'private' || !message.from || message.from.is_bot) return null;
  const event = { ...base, address: String(message.chat.id) };

  if (typeof message.text === 'string') {
    const command = COMMAND.exec(message.text.trim());
    if (command?.[1]?.toLowerCase() === 'start') return { ...event, start: true, text: command[2]?.trim() ?? '' };
    // Other commands keep their slash, without the bot's name: "/balas@KotaBot A1 ok" is "/balas A1 ok".
    // The core reads "/bantuan" as the word, and knows an officer command by its slash.
    if (command) return { ...event, text: [`/${command[1]}`, command[2]?.trim()].filter(Boolean).join(' ') };
    return { ...event, text: message.text };
  }
  const text = message.caption ?? '';
  const largest = message.photo?.at(-1);
  if (largest) return { ...event, text, media: [fileRef('image/jpeg', largest.file_id)] };
  if (message.document?.mime_type?.startsWith('image/')) {
    return { ...event, text, media: [fileRef(message.document.mime_type, message.document.file_id)] };
  }
  if (message.location) {
    const { latitude, longitude } = message.location;
    return { ...event, text: '', location: { latitude, longitude } };
  }
  if (message.contact) {
    const digits = message.contact.phone_number.replace(/\D/g, '');
    const own = message.contact.user_id === message.from.id;
    return own ? { ...event, text: digits, phone: digits } : { ...event, text: digits };
  }
  if (message.document || UNREAD_CONTENT.some((kind) => message[kind] !== undefined)) return { ...event, text };
  return null;
}

/** A file the bot can fetch later with getFile; a later step stores it. */
function fileRef(mimeType: string, fileId: string): MediaRef {
  return { mimeType, url: `tg-file:${fileId}` };
}
