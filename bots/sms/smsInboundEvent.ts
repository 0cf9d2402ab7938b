import type { InboundEvent } from '../../core/conversation/types.js';
import { smsControl } from './smsControl.js';
import { toSmsAddress } from './smsAddress.js';

/**
 * An SMS as a neutral event, whichever provider (or the terminal chat) brought it: the sender's
 * number in international form as address and vouched phone, STOP/MULAI read as controls.
 */
export function smsInboundEvent(from: string, text: string, externalId: string, receivedAt: Date): InboundEvent {
  const address = toSmsAddress(from);
  return { channel: 'sms', address, phone: address, externalId, receivedAt, text, control: smsControl(text) };
}
