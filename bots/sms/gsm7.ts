/** GSM 03.38: which characters an SMS can carry in 7-bit encoding, and what a text costs. */

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters sent as an escape plus a code: each counts as two. */
const EXTENSION = '^{}\\[~]|€\f';

const basicSet = new Set(Array.from(BASIC));
const extensionSet = new Set(Array.from(EXTENSION));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** True when every character fits GSM-7 (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basicSet.has(ch) && !extensionSet.has(ch)) return false;
  return true;
}

/**
 * How many SMS a text costs: GSM-7 160 in one message or 153 per part (extension characters
 * count double and never straddle two parts); UCS-2 70, or 67 per part (surrogate pairs whole).
 */
export function countSegments(text: string): SegmentCount {
  if (text.length === 0) return { encoding: 'GSM-7', units: 0, segments: 0 };
  const gsm = isGsm7(text);
  const sizes = Array.from(text, (ch) => (gsm ? (extensionSet.has(ch) ? 2 : 1) : ch.length));
  const units = sizes.reduce((a, b) => a + b, 0);
  const single = gsm ? 160 : 70;
  if (units <= single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: 1 };
  const perPart = gsm ? 153 : 67;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments };
}

const REPLACEMENTS: ReadonlyArray<[RegExp, string]> = [
  [/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]/g, ' '],
  [/[\u200b-\u200d\u2060\ufeff]/g, ''],
  [/\u2022/g, '-'],
];

/**
 * Makes a text fit GSM-7 so it is not sent as costly UCS-2: typographic quotes, dashes and
 * spaces become plain ones, accents the GSM alphabet lacks are dropped, emoji and any other
 * character outside GSM-7 are removed.
 */
export function toGsm7(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  let result = '';
  for (const ch of out) {
    if (basicSet.has(ch) || extensionSet.has(ch)) {
      result += ch;
      continue;
    }
    const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (plain !== ch && isGsm7(plain)) result += plain;
  }
  return result.replace(/ {2,}/g, ' ');
}
