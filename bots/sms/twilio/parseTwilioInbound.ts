import type { InboundEvent } from '../../../core/conversation/types.js';
import { smsControl } from '../smsControl.js';
import { toSmsAddress } from '../smsAddress.js';

/** Twilio's inbound SMS webhook (form fields) as a neutral event; null when it is not an SMS. */
export function parseTwilioInbound(form: Record<string, string>, receivedAt: Date): InboundEvent | null {
  const sid = form.MessageSid ?? form.SmsSid;
  const from = form.From;
  if (!sid || !from) return null;
  const address = toSmsAddress(from);
  const text = form.Body ?? '';
  return {
    channel: 'sms',
    address,
    phone: address,
    externalId: sid,
    receivedAt,
    text,
    control: smsControl(text),
  };
}
