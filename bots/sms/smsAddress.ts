/** SMS addresses are kept as digits with the country code: `+62 812-3456-7890` -> `6281234567890`. */
export function toSmsAddress(e164: string): string {
  return e164.replace(/\D/g, '');
}

/** The E.164 form providers want: `6281234567890` -> `+6281234567890`. */
export function toE164(address: string): string {
  return `+${address.replace(/\D/g, '')}`;
}
