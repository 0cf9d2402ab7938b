import type { InboundEvent } from '../../../core/conversation/types.js';
import { smsInboundEvent } from '../smsInboundEvent.js';

/** The webhook body SMS Gateway for Android posts for an event. */
interface AndroidWebhook {
  id?: string;
  event?: string;
  payload?: { message?: string; phoneNumber?: string; messageId?: string };
}

/**
 * An `sms:received` webhook as a neutral event; null for other events (sent, delivered, ping).
 * The event's own `id` is the dedupe key: the payload's messageId is derived from the content
 * and repeats when a citizen sends the same text twice.
 */
export function parseAndroidInbound(body: unknown, receivedAt: Date): InboundEvent | null {
  const hook = (body ?? {}) as AndroidWebhook;
  if (hook.event !== 'sms:received' || !hook.id || !hook.payload?.phoneNumber) return null;
  return smsInboundEvent(hook.payload.phoneNumber, hook.payload.message ?? '', hook.id, receivedAt);
}
