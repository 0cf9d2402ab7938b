import type { InboundEvent } from '../../../core/conversation/types.js';
import { smsInboundEvent } from '../smsInboundEvent.js';

/** Twilio's inbound SMS webhook (form fields) as a neutral event; null when it is not an SMS. */
export function parseTwilioInbound(form: Record<string, string>, receivedAt: Date): InboundEvent | null {
  const sid = form.MessageSid ?? form.SmsSid;
  const from = form.From;
  if (!sid || !from) return null;
  return smsInboundEvent(from, form.Body ?? '', sid, receivedAt);
}
