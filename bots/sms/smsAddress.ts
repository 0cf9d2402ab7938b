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
