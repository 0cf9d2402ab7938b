/**
 * Tracking numbers for cases: a letter for the kind (P perizinan, A aduan), seven digits and a
 * Damm check digit, e.g. `P48271633`. Digits are easy on a feature-phone keypad and have no O/0
 * or I/1 confusion; the Damm digit catches every single mistyped digit and every swap of two
 * neighbours, so a typo is refused instead of finding someone else's case.
 */

export const CASE_KINDS = { P: 'permit', A: 'complaint' } as const;
export type CaseKindLetter = keyof typeof CASE_KINDS;
export type CaseKind = (typeof CASE_KINDS)[CaseKindLetter];

const BODY_DIGITS = 7;

// The Damm algorithm's quasigroup table (totally anti-symmetric, order 10).
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** The Damm check digit of a string of digits. */
export function dammDigit(digits: string): number {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim]![Number(ch)]!;
  return interim;
}

/**
 * Makes a tracking number from a kind and a random source of integers in [0, 1).
 * @example makeTrackingNumber('permit', Math.random) // 'P48271633'
 */
export function makeTrackingNumber(kind: CaseKind, random: () => number): string {
  const letter = (Object.keys(CASE_KINDS) as CaseKindLetter[]).find((l) => CASE_KINDS[l] === kind)!;
  let body = String(1 + Math.floor(random() * 9));
  while (body.length < BODY_DIGITS) body += String(Math.floor(random() * 10));
  return `${letter}${body}${dammDigit(body)}`;
}

export type TrackingParse =
  { ok: true; trackingNumber: string; kind: CaseKind | null } | { ok: false; reason: 'shape' | 'check' };

/**
 * Reads a typed tracking number: any case, spaces, dots or dashes; the letter may be left out.
 * A wrong check digit is `check`, anything else that is not 8 digits is `shape`.
 */
export function parseTrackingNumber(text: string): TrackingParse {
  const compact = text.toUpperCase().replace(/[\s.\-/]/g, '');
  const m = /^([PA])?(\d{8})$/.exec(compact);
  if (!m) return { ok: false, reason: 'shape' };
  const digits = m[2]!;
  if (dammDigit(digits) !== 0) return { ok: false, reason: 'check' };
  const letter = m[1] as CaseKindLetter | undefined;
  return { ok: true, trackingNumber: `${letter ?? ''}${digits}`, kind: letter ? CASE_KINDS[letter] : null };
}

/** Finds something shaped like a tracking number inside a sentence ("cek p4827 1635"). */
export function findTrackingNumber(text: string): string | null {
  const m = /\b([PpAa]?[\s.-]?\d(?:[\s.-]?\d){7})\b/.exec(text);
  return m ? m[1]!.trim() : null;
}
