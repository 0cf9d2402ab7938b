/** Masking of personal data for logs and for what a stranger may see. */

/**
 * Shows only the last 4 characters of a phone number or chat address:
 * `6281234567890` -> `*********7890`. Anything of 4 characters or fewer is masked whole.
 */
export function maskPhone(phone: string): string {
  const chars = Array.from(phone);
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return '*'.repeat(chars.length - 4) + chars.slice(-4).join('');
}

/** Shows only the last 4 digits of a NIK (the 16-digit national ID number). */
export function maskNik(nik: string): string {
  return maskPhone(nik);
}

/**
 * Masks a person's name word by word, keeping the first letters:
 * `DARMA HUTAGALUNG` -> `DA*** HU*******`. One-letter words stay as they are.
 */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((word) => {
      const chars = Array.from(word);
      const keep = chars.length <= 3 ? 1 : 2;
      return chars.slice(0, keep).join('') + '*'.repeat(Math.max(0, chars.length - keep));
    })
    .join(' ');
}
