import type { InboundEvent } from '../../../core/conversation/types.js';
import { smsControl } from '../smsControl.js';
import { toSmsAddress } from '../smsAddress.js';

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
  const address = toSmsAddress(hook.payload.phoneNumber);
  const text = hook.payload.message ?? '';
  return {
    channel: 'sms',
    address,
    phone: address,
    externalId: hook.id,
    receivedAt,
    text,
    control: smsControl(text),
  };
}
