import { normalizePhone } from '../../core/domain/phone.js';

/**
 * SMS addresses are kept as digits with the country code: `+62 812-3456-7890` and the national
 * `0812-3456-7890` both become `6281234567890`.
 */
export function toSmsAddress(sender: string): string {
  return normalizePhone(sender) ?? sender.replace(/\D/g, '');
}

/** The E.164 form providers want: `6281234567890` -> `+6281234567890`. */
export function toE164(address: string): string {
  return `+${address.replace(/\D/g, '')}`;
}

/**
 * The sender of an inbound SMS as an address, or null when it cannot be answered: not a string,
 * or not a phone number (empty, an alphanumeric sender id such as `INFO123`, a short code, longer
 * than any number). Never its digits picked out of something else: `INFO123` is not `123`.
 */
export function smsSenderAddress(sender: unknown): string | null {
  if (typeof sender !== 'string' || sender.length > 40) return null;
  return normalizePhone(sender);
}
