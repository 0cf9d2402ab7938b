import type { DeliveryState } from '../../../core/outbox/recordDeliveryStatus.js';
import { idOf, recordOf, stringOf } from '../../readNative.js';
import { ANDROID_STATUS_MAPPING } from './androidStatusMapping.js';

/** A delivery report on an SMS the gateway sent, keyed by the id its `POST /message` answered. */
export interface AndroidDeliveryReport {
  providerMessageId: string;
  status: DeliveryState;
  /** Why it failed, as the phone says (`reason` of `sms:failed`), or `cancelled`. */
  detail?: string;
}

/**
 * An `sms:sent`, `sms:delivered`, `sms:failed` or `sms:cancelled` webhook as a delivery report;
 * null for every other event (a citizen's message, a ping) and for a body without a message id.
 * The payload's `messageId` is the id the gateway gave the message when we sent it.
 * @example parseAndroidDeliveryReport({ event: 'sms:failed', payload: { messageId: 'msg-000', reason: 'Network error' } }) // { providerMessageId: 'msg-000', status: 'failed', detail: 'Network error' }
 */
export function parseAndroidDeliveryReport(body: unknown): AndroidDeliveryReport | null {
  const hook = recordOf(body);
  const event = stringOf(hook?.event, 40) ?? '';
  const status = Object.hasOwn(ANDROID_STATUS_MAPPING, event) ? ANDROID_STATUS_MAPPING[event] : undefined;
  const payload = recordOf(hook?.payload);
  const providerMessageId = idOf(payload?.messageId);
  if (!status || !providerMessageId) return null;
  const detail = event === 'sms:cancelled' ? 'cancelled' : stringOf(payload?.reason, 200)?.trim();
  return { providerMessageId, status, ...(status === 'failed' && detail ? { detail } : {}) };
}
