import type { DeliveryState } from '../../../core/outbox/recordDeliveryStatus.js';

/**
 * SMS Gateway for Android's delivery-report webhook events, mapped to what an operator needs to
 * know, as TWILIO_STATUS_MAPPING does for Twilio's statuses. The events are those of the app's
 * WebHookEvent enum (github.com/capcom6/android-sms-gateway, modules/webhooks/domain/WebHookEvent.kt)
 * and of https://docs.sms-gate.app/features/webhooks/. `sms:cancelled` (a message withdrawn before
 * it went) is a message that did not arrive, as Twilio's `canceled` is.
 */
export const ANDROID_STATUS_MAPPING: Readonly<Record<string, DeliveryState>> = {
  'sms:sent': 'sent',
  'sms:delivered': 'delivered',
  'sms:failed': 'failed',
  'sms:cancelled': 'failed',
};
