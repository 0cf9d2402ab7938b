import type { InboundEvent } from '../../../core/conversation/types.js';
import { CLOUD_STATUS_MAPPING } from './cloudStatusMapping.js';

/** A delivery report on a message we sent, keyed by the id Graph gave it. */
export interface CloudDeliveryReport {
  providerMessageId: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  /** Graph's error code and title when it failed, e.g. `131047 Re-engagement message`. */
  detail?: string;
}

/** What one webhook post carries: citizens' messages, and reports on ours. */
export interface CloudWebhook {
  messages: InboundEvent[];
  statuses: CloudDeliveryReport[];
}

/** The parts of a Cloud API message that are read; the rest of Graph's payload is ignored. */
interface CloudMessage {
  from?: string;
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

interface CloudStatus {
  id?: string;
  status?: string;
  errors?: Array<{ code?: number; title?: string }>;
}

interface CloudPayload {
  object?: string;
  entry?: Array<{
    changes?: Array<{
      field?: string;
      value?: { metadata?: { phone_number_id?: string }; messages?: CloudMessage[]; statuses?: CloudStatus[] };
    }>;
  }>;
}

/** Message types the citizen writes in a form the dialogue cannot read: they get the usual hint. */
const UNREADABLE = new Set(['audio', 'video', 'sticker', 'contacts', 'unsupported']);

/** One Cloud API message as the neutral event's content; null for what is not for the dialogue (reactions, system notices). */
function contentOf(m: CloudMessage): Partial<InboundEvent> | null {
  switch (m.type) {
    case 'text':
      return { text: m.text?.body ?? '' };
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return reply?.id ? { text: '', choice: reply.id } : null;
    }
    case 'button':
      // A quick-reply button of a template: its text is what the citizen said.
      return { text: m.button?.text ?? '' };
    case 'location': {
      const { latitude, longitude } = m.location ?? {};
      if (typeof latitude !== 'number' || typeof longitude !== 'number') return { text: '' };
      return { text: '', location: { latitude, longitude } };
    }
    case 'image':
    case 'document': {
      const media = m.type === 'image' ? m.image : m.document;
      if (!media?.id) return { text: '' };
      return {
        text: media.caption ?? '',
        media: [{ mimeType: media.mime_type ?? 'application/octet-stream', url: `wa-cloud-media:${media.id}` }],
      };
    }
    case 'request_welcome':
      // The citizen opened the chat for the first time: a new conversation, like Telegram's /start.
      return { text: '', start: true };
    default:
      return m.type && UNREADABLE.has(m.type) ? { text: '' } : null;
  }
}

/**
 * A Cloud API webhook body as neutral events: `entry[].changes[].value.messages[]` become inbound
 * events (text; button and list replies as the option's id; location; image and document as media
 * refs `wa-cloud-media:<media id>`, fetched later), `statuses[]` delivery reports. Changes for
 * another phone number of the same business account are left out.
 * @example parseCloudWebhook(JSON.parse(raw), new Date(), '106540352242922').messages[0] // { channel: 'whatsapp', address: '6281234567890', text: 'pbb', ... }
 */
export function parseCloudWebhook(body: unknown, receivedAt: Date, phoneNumberId: string): CloudWebhook {
  const payload = (body ?? {}) as CloudPayload;
  const result: CloudWebhook = { messages: [], statuses: [] };
  if (payload.object !== 'whatsapp_business_account') return result;
  for (const entry of payload.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const value = change.value;
      if (change.field !== 'messages' || !value) continue;
      if (value.metadata?.phone_number_id !== phoneNumberId) continue;
      for (const m of value.messages ?? []) {
        if (!m.from || !m.id) continue;
        const content = contentOf(m);
        if (!content) continue;
        const address = m.from.replace(/\D/g, '');
        result.messages.push({
          channel: 'whatsapp',
          address,
          phone: address,
          externalId: m.id,
          receivedAt,
          ...content,
        });
      }
      for (const s of value.statuses ?? []) {
        const status = CLOUD_STATUS_MAPPING[s.status ?? ''];
        if (!s.id || !status) continue;
        const error = s.errors?.[0];
        const detail = error ? `${error.code ?? ''} ${error.title ?? ''}`.trim() : undefined;
        result.statuses.push({ providerMessageId: s.id, status, ...(detail ? { detail } : {}) });
      }
    }
  }
  return result;
}
