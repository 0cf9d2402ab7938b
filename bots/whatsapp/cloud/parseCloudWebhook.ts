import type { InboundEvent } from '../../../core/conversation/types.js';
import { coordinatesOf, idOf, listOf, numberOf, recordOf, stringOf } from '../../readNative.js';
import { CLOUD_ERROR_MAPPING } from './cloudErrorMapping.js';
import { CLOUD_STATUS_MAPPING } from './cloudStatusMapping.js';
import { isBusinessScopedUserId } from './isBusinessScopedUserId.js';

/** A delivery report on a message we sent, keyed by the id Graph gave it. */
export interface CloudDeliveryReport {
  providerMessageId: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  /** Graph's error code and title when it failed, e.g. `131047 Re-engagement message`. */
  detail?: string;
  /**
   * Graph took the message and later failed it because free text may not go now (131047: the
   * 24-hour window closed); an approved template may (CLOUD_ERROR_MAPPING's `useTemplate`).
   */
  fallback?: true;
}

/** A message left out because it is no citizen's one-to-one conversation, for the route to log. */
export interface CloudIgnoredMessage {
  /** `group`: written in a WhatsApp group; `no usable sender`: neither a number nor a business-scoped user id. */
  reason: 'group' | 'no usable sender';
  /** The sender as Graph gave it (logged masked), when there was one. */
  sender?: string;
}

/** What one webhook post carries: citizens' messages, and reports on ours. */
export interface CloudWebhook {
  messages: InboundEvent[];
  statuses: CloudDeliveryReport[];
  ignored: CloudIgnoredMessage[];
}

/** The parts of a Cloud API message that are read, as Graph documents them; each is checked for its type when read. */
interface CloudMessage {
  /** The sender's phone number (their WhatsApp id); omitted for a user who hides it behind a username. */
  from?: string;
  /** The sender's business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
  from_user_id?: string;
  /** Set when the message was written in a group the business number is in. */
  group_id?: string;
  id?: string;
  type?: string;
  text?: { body?: string };
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string };
  };
  button?: { text?: string; payload?: string };
  location?: { latitude?: number; longitude?: number };
  image?: { id?: string; mime_type?: string; caption?: string };
  document?: { id?: string; mime_type?: string; caption?: string };
}

/** A phone number as Graph writes a sender's WhatsApp id: digits with the country code. */
const WA_PHONE = /^\+?\d{5,15}$/;

/**
 * Who wrote, as the identity the app keys on. A phone number (`from`) stays the address, so a
 * citizen keeps one identity and links across channels by it; a sender known only by a
 * business-scoped user id (a username hides the number) is that id as given, with no phone.
 * Anything else identifies no one and is null: never a stripped form shared by strangers.
 */
function cloudSenderOf(m: CloudMessage): { address: string; phone?: string } | null {
  const from = stringOf(m.from, 200);
  if (from && WA_PHONE.test(from)) {
    const phone = from.replace(/\D/g, '');
    return { address: phone, phone };
  }
  const userId = [stringOf(m.from_user_id, 200), from].find((v) => v !== undefined && isBusinessScopedUserId(v));
  return userId ? { address: userId } : null;
}

/** Message types the citizen writes in a form the dialogue cannot read: they get the usual hint. */
const UNREADABLE = new Set(['audio', 'video', 'sticker', 'contacts', 'unsupported']);

/** One Cloud API message as the neutral event's content; null for what is not for the dialogue (reactions, system notices). */
function contentOf(m: CloudMessage): Partial<InboundEvent> | null {
  const text = (value: unknown) => stringOf(value) ?? '';
  switch (m.type) {
    case 'text':
      return { text: text(recordOf(m.text)?.body) };
    case 'interactive': {
      const interactive = recordOf(m.interactive);
      const reply = recordOf(interactive?.button_reply) ?? recordOf(interactive?.list_reply);
      const id = idOf(reply?.id);
      return id ? { text: '', choice: id } : null;
    }
    case 'button':
      // A quick-reply button of a template: its text is what the citizen said.
      return { text: text(recordOf(m.button)?.text) };
    case 'location': {
      const location = coordinatesOf(m.location);
      return location ? { text: '', location } : { text: '' };
    }
    case 'image':
    case 'document': {
      const media = recordOf(m.type === 'image' ? m.image : m.document);
      const id = idOf(media?.id);
      if (!id) return { text: '' };
      return {
        text: text(media?.caption),
        media: [
          { mimeType: stringOf(media?.mime_type, 100) ?? 'application/octet-stream', url: `wa-cloud-media:${id}` },
        ],
      };
    }
    case 'request_welcome':
      // The citizen opened the chat for the first time: a new conversation, like Telegram's /start.
      return { text: '', start: true };
    default:
      return typeof m.type === 'string' && UNREADABLE.has(m.type) ? { text: '' } : null;
  }
}

/**
 * A Cloud API webhook body as neutral events: `entry[].changes[].value.messages[]` become inbound
 * events (text; button and list replies as the option's id; location; image and document as media
 * refs `wa-cloud-media:<media id>`, fetched later), `statuses[]` delivery reports. The sender is
 * their phone number, or their business-scoped user id when the number is hidden (`cloudSenderOf`);
 * group messages and senders with neither are `ignored`. Changes for another phone number of the
 * same business account are left out.
 * @example parseCloudWebhook(JSON.parse(raw), new Date(), '106540352242922').messages[0] // { channel: 'whatsapp', address: '6281234567890', text: 'pbb', ... }
 */
export function parseCloudWebhook(body: unknown, receivedAt: Date, phoneNumberId: string): CloudWebhook {
  const payload = recordOf(body);
  const result: CloudWebhook = { messages: [], statuses: [], ignored: [] };
  if (payload?.object !== 'whatsapp_business_account') return result;
  for (const entry of listOf(payload.entry)) {
    for (const change of listOf(recordOf(entry)?.changes)) {
      const value = recordOf(recordOf(change)?.value);
      if (recordOf(change)?.field !== 'messages' || !value) continue;
      if (recordOf(value.metadata)?.phone_number_id !== phoneNumberId) continue;
      for (const item of listOf(value.messages)) {
        const m = recordOf(item) as CloudMessage | undefined;
        const id = idOf(m?.id);
        if (!m || !id) continue;
        const content = contentOf(m);
        if (!content) continue;
        const sender = stringOf(m.from, 200) ?? stringOf(m.from_user_id, 200);
        // A group is no citizen's one-to-one conversation: its messages are not answered as one.
        if (m.group_id !== undefined) {
          result.ignored.push({ reason: 'group', ...(sender ? { sender } : {}) });
          continue;
        }
        const who = cloudSenderOf(m);
        if (!who) {
          result.ignored.push({ reason: 'no usable sender', ...(sender ? { sender } : {}) });
          continue;
        }
        result.messages.push({ channel: 'whatsapp', ...who, externalId: id, receivedAt, ...content });
      }
      for (const item of listOf(value.statuses)) {
        const s = recordOf(item);
        const id = idOf(s?.id);
        const status =
          typeof s?.status === 'string' && Object.hasOwn(CLOUD_STATUS_MAPPING, s.status)
            ? CLOUD_STATUS_MAPPING[s.status]
            : undefined;
        if (!id || !status) continue;
        const error = recordOf(listOf(s?.errors)[0]);
        const code = numberOf(error?.code) ?? stringOf(error?.code, 20) ?? '';
        const detail = error ? `${code} ${stringOf(error.title, 200) ?? ''}`.trim() : undefined;
        const fallback = status === 'failed' && typeof code === 'number' && CLOUD_ERROR_MAPPING[code] === 'useTemplate';
        result.statuses.push({
          providerMessageId: id,
          status,
          ...(detail ? { detail } : {}),
          ...(fallback ? { fallback: true as const } : {}),
        });
      }
    }
  }
  return result;
}
