import type { InboundEvent } from '../../../core/conversation/types.js';
import { idOf, recordOf, stringOf } from '../../readNative.js';
import { smsSenderAddress } from '../smsAddress.js';
import { smsInboundEvent } from '../smsInboundEvent.js';

/**
 * An `sms:received` webhook as a neutral event; null for other events (sent, delivered, ping),
 * and for a body not of the documented shape (a sender without a number, fields of other types).
 * The event's own `id` is the dedupe key: the payload's messageId is derived from the content
 * and repeats when a citizen sends the same text twice.
 */
export function parseAndroidInbound(body: unknown, receivedAt: Date): InboundEvent | null {
  const hook = recordOf(body);
  const payload = recordOf(hook?.payload);
  const id = idOf(hook?.id);
  const from = smsSenderAddress(payload?.phoneNumber);
  const message = payload?.message === undefined ? '' : stringOf(payload.message);
  if (hook?.event !== 'sms:received' || !id || !from || message === undefined) return null;
  return smsInboundEvent(from, message, id, receivedAt);
}
