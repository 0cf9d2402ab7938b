import type { Message } from 'whatsapp-web.js';
import type { InboundEvent } from '../../../core/conversation/types.js';

/** What a whatsapp-web.js message type stands for; types not listed (reactions, system notices) are dropped. */
const MESSAGE_KINDS: Readonly<Record<string, 'text' | 'location' | 'media' | 'choice' | 'unreadable'>> = {
  chat: 'text',
  location: 'location',
  image: 'media',
  document: 'media',
  buttons_response: 'choice',
  list_response: 'choice',
  template_button_reply: 'choice',
  // The citizen did write, in a form the dialogue cannot read: they get the usual hint.
  audio: 'unreadable',
  ptt: 'unreadable',
  video: 'unreadable',
  sticker: 'unreadable',
  vcard: 'unreadable',
  multi_vcard: 'unreadable',
  poll_creation: 'unreadable',
};

/** Chats that are not one citizen writing to the city: groups, status updates, broadcast lists, channels. */
const NOT_A_CITIZEN = /@(g\.us|broadcast|newsletter)$/;

/**
 * A whatsapp-web.js message as a neutral event, or null when it is not a citizen writing to the
 * city (a group, a status update, a broadcast, our own message, a reaction or system notice).
 * The address is the sender's number in digits (`6281234567890@c.us` -> `6281234567890`), which
 * WhatsApp vouches for; a sender known only by a linked id (`...@lid`) keeps that id, with no phone.
 * Media is referenced as `wa-media:<serialized message id>`, which getMessageById takes to download it later.
 * @example parseWhatsAppWebMessage(message, new Date()) // { channel: 'whatsapp', address: '6281234567890', text: 'pbb', ... }
 */
export function parseWhatsAppWebMessage(message: Message, receivedAt: Date): InboundEvent | null {
  if (message.fromMe || message.isStatus || message.broadcast || message.author) return null;
  if (!message.from || NOT_A_CITIZEN.test(message.from)) return null;
  const kind = MESSAGE_KINDS[message.type];
  if (!kind) return null;

  const phone = /^(\d+)@c\.us$/.exec(message.from)?.[1];
  const base: InboundEvent = {
    channel: 'whatsapp',
    address: phone ?? message.from,
    phone,
    // The message's own id: its serialized form also names the chat, the citizen's number, and would reach the logs.
    externalId: message.id.id,
    receivedAt,
  };
  switch (kind) {
    case 'text':
      return { ...base, text: message.body };
    case 'location': {
      const latitude = Number(message.location?.latitude);
      const longitude = Number(message.location?.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return { ...base, text: '' };
      return { ...base, text: '', location: { latitude, longitude } };
    }
    case 'media': {
      const raw: { mimetype?: unknown } = message.rawData;
      const mimeType = typeof raw.mimetype === 'string' ? raw.mimetype : 'application/octet-stream';
      return { ...base, text: message.body, media: [{ mimeType, url: `wa-media:${message.id._serialized}` }] };
    }
    case 'choice': {
      const choice = message.selectedButtonId ?? message.selectedRowId;
      return choice ? { ...base, text: '', choice } : { ...base, text: message.body };
    }
    case 'unreadable':
      return { ...base, text: '' };
  }
}
