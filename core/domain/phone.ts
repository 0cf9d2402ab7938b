/**
 * Normalises an Indonesian or international phone number to digits with the country code:
 * `0812-3456-7890`, `+62 812 3456 7890` and `6281234567890` all become `6281234567890`.
 * Returns null when it cannot be a phone number.
 */
export function normalizePhone(raw: string, countryCode = '62'): string | null {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s\-().]+$/.test(trimmed)) return null;
  // "+62 (0)812...": the trunk 0 in brackets is not dialled with the country code.
  let digits = trimmed.replace(/\(0\)/g, '').replace(/\D/g, '');
  if (digits.startsWith('0')) {
    // A local number: 0 and at least 8 more digits (0812 3456 78).
    if (digits.length < 9) return null;
    digits = countryCode + digits.slice(1);
  }
  return digits.length >= 8 && digits.length <= 15 ? digits : null;
}
