import type { InboundEvent } from '../../../core/conversation/types.js';
import { idOf, recordOf, stringOf } from '../../readNative.js';
import { smsSenderAddress } from '../smsAddress.js';
import { smsInboundEvent } from '../smsInboundEvent.js';

/** The events that carry a citizen's text: an SMS, and an MMS once downloaded (its text is `body`). */
const TEXT_OF: Readonly<Record<string, string>> = { 'sms:received': 'message', 'mms:downloaded': 'body' };

/**
 * An `sms:received` or `mms:downloaded` webhook as a neutral event; null for other events (the
 * delivery reports, pings, `mms:received` before its download) and for a body not of the
 * documented shape (a sender that is no phone number, fields of other types). The sender is
 * `payload.sender`, with the deprecated `phoneNumber` as fallback for older app versions
 * (https://docs.sms-gate.app/features/webhooks/). An MMS is answered like an SMS; its
 * attachments are not read. The event's own `id` is the dedupe key: the payload's messageId is
 * derived from the content and repeats when a citizen sends the same text twice.
 */
export function parseAndroidInbound(body: unknown, receivedAt: Date): InboundEvent | null {
  const hook = recordOf(body);
  const payload = recordOf(hook?.payload);
  const id = idOf(hook?.id);
  const field = typeof hook?.event === 'string' && Object.hasOwn(TEXT_OF, hook.event) ? TEXT_OF[hook.event] : null;
  if (!field || !payload || !id) return null;
  const from = smsSenderAddress(payload.sender ?? payload.phoneNumber);
  // An MMS's body is null for a photo alone (the docs mark it nullable): it is answered as an empty text.
  const said = payload[field];
  const message = said === undefined || (said === null && field === 'body') ? '' : stringOf(said);
  if (!from || message === undefined) return null;
  return smsInboundEvent(from, message, id, receivedAt);
}
