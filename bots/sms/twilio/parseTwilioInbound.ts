import type { InboundEvent } from '../../../core/conversation/types.js';
import { idOf, stringOf } from '../../readNative.js';
import { smsSenderAddress } from '../smsAddress.js';
import { smsInboundEvent } from '../smsInboundEvent.js';
import { parseTwilioMedia } from './parseTwilioMedia.js';

/**
 * Twilio's inbound SMS webhook (form fields) as a neutral event; null when it is not an SMS a
 * citizen can be answered at: no message id, a sender without a number (empty, alphanumeric),
 * or a field that is not one string (a repeated form key reads as a list). An MMS brings its media.
 */
export function parseTwilioInbound(form: Record<string, unknown>, receivedAt: Date): InboundEvent | null {
  const sid = idOf(form.MessageSid ?? form.SmsSid);
  const from = smsSenderAddress(form.From);
  const body = form.Body === undefined ? '' : stringOf(form.Body);
  if (!sid || !from || body === undefined) return null;
  const media = parseTwilioMedia(form);
  const event = smsInboundEvent(from, body, sid, receivedAt);
  return media.length > 0 ? { ...event, media } : event;
}
