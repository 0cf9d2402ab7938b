import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dammDigit,
  findTrackingNumber,
  makeTrackingNumber,
  parseTrackingNumber,
  type CaseKind,
} from './trackingNumber.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'trackingNumber.cases.json'), 'utf8')) as {
  accepted: Array<{ label: string; typed: string; trackingNumber: string; kind: CaseKind | null }>;
  wrongShape: Array<{ label: string; typed: string }>;
  inSentences: Array<{ label: string; text: string; found: string | null }>;
};

/** A seeded linear congruential generator (Numerical Recipes constants): the same numbers on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sample(kind: CaseKind, count: number, seed: number): string[] {
  const random = lcg(seed);
  return Array.from({ length: count }, () => makeTrackingNumber(kind, random));
}

const permits = sample('permit', 200, 20261128);
const complaints = sample('complaint', 50, 7);
// Edge sources: always the smallest and always the largest value random() may return.
const extremes = [makeTrackingNumber('permit', () => 0), makeTrackingNumber('permit', () => 0.999_999_999)];

describe('makeTrackingNumber', () => {
  it.each([
    { kind: 'permit' as const, numbers: permits, letter: 'P' },
    { kind: 'complaint' as const, numbers: complaints, letter: 'A' },
  ])('makes $kind numbers: $letter, a non-zero digit, 6 digits and a Damm check digit', ({ numbers, letter }) => {
    for (const n of numbers) {
      expect(n).toMatch(new RegExp(`^${letter}[1-9]\\d{7}$`));
      expect(n).not.toMatch(/[OI]/);
      expect(dammDigit(n.slice(1, 8))).toBe(Number(n[8]));
      expect(dammDigit(n.slice(1))).toBe(0);
    }
  });

  it('makes the same numbers from the same seed, and varied ones', () => {
    expect(sample('permit', 200, 20261128)).toEqual(permits);
    expect(new Set(permits).size).toBeGreaterThan(195);
    // Every digit appears in every body position across the sample.
    for (let position = 2; position < 8; position++) {
      expect(new Set(permits.map((n) => n[position])).size).toBe(10);
    }
  });

  it('stays in shape at the edges of the random source', () => {
    // By hand through the Damm table: 1000000 -> 0,3,1,7,8,9,2,4 so 4; 9999999 -> 0,2,9,0,2,9,0,2 so 2.
    expect(extremes).toEqual(['P10000004', 'P99999992']);
    for (const n of extremes) expect(parseTrackingNumber(n)).toEqual({ ok: true, trackingNumber: n, kind: 'permit' });
  });

  it('reads back every number it makes', () => {
    for (const n of [...permits, ...complaints]) {
      expect(parseTrackingNumber(n)).toEqual({
        ok: true,
        trackingNumber: n,
        kind: n.startsWith('P') ? 'permit' : 'complaint',
      });
    }
  });
});

describe('parseTrackingNumber', () => {
  it.each(fixture.accepted)('accepts $label: "$typed"', ({ typed, trackingNumber, kind }) => {
    expect(parseTrackingNumber(typed)).toEqual({ ok: true, trackingNumber, kind });
  });

  it.each(fixture.wrongShape)('refuses $label as shape: "$typed"', ({ typed }) => {
    expect(parseTrackingNumber(typed)).toEqual({ ok: false, reason: 'shape' });
  });

  it('accepts the example printed in the docs and the locale texts, and refuses it one digit off', () => {
    // The texts say "P48271633": dammDigit('4827163') is 3.
    expect(dammDigit('4827163')).toBe(3);
    expect(parseTrackingNumber('P48271633')).toEqual({ ok: true, trackingNumber: 'P48271633', kind: 'permit' });
    expect(parseTrackingNumber('P48271635')).toEqual({ ok: false, reason: 'check' });
    for (const lang of ['id', 'en']) {
      const text = JSON.stringify(JSON.parse(readFileSync(`locales/${lang}/translation.json`, 'utf8')));
      expect(text).toContain('P48271633');
    }
  });

  const valid = [...permits.slice(0, 40), ...complaints.slice(0, 10), ...extremes];

  it.each(valid)('refuses every single-digit substitution of %s as check', (n) => {
    const letter = n[0]!;
    const digits = n.slice(1);
    let tried = 0;
    for (let position = 0; position < digits.length; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === digits[position]) continue;
        const typo = `${letter}${digits.slice(0, position)}${digit}${digits.slice(position + 1)}`;
        expect(parseTrackingNumber(typo), typo).toEqual({ ok: false, reason: 'check' });
        expect(parseTrackingNumber(typo.slice(1)), typo.slice(1)).toEqual({ ok: false, reason: 'check' });
        tried++;
      }
    }
    expect(tried).toBe(8 * 9);
  });

  it.each(valid)('refuses every swap of two differing neighbours in %s as check', (n) => {
    const letter = n[0]!;
    const digits = n.slice(1);
    for (let position = 0; position + 1 < digits.length; position++) {
      const a = digits[position]!;
      const b = digits[position + 1]!;
      if (a === b) continue;
      const typo = `${letter}${digits.slice(0, position)}${b}${a}${digits.slice(position + 2)}`;
      expect(parseTrackingNumber(typo), typo).toEqual({ ok: false, reason: 'check' });
    }
  });

  it('has swaps to try: the sample is not made of repeated digits', () => {
    const swaps = valid
      .flatMap((n) => Array.from({ length: 7 }, (_, i) => n[i + 1] !== n[i + 2]))
      .filter(Boolean).length;
    expect(swaps).toBeGreaterThan(valid.length * 5);
  });
});

describe('findTrackingNumber', () => {
  it.each(fixture.inSentences)('finds in $label: "$text"', ({ text, found }) => {
    expect(findTrackingNumber(text)).toBe(found);
  });

  it('finds what parseTrackingNumber then reads, in the issue example', () => {
    const found = findTrackingNumber('cek p4827 1633 ya');
    expect(found).not.toBeNull();
    expect(parseTrackingNumber(found!)).toEqual({ ok: true, trackingNumber: 'P48271633', kind: 'permit' });
  });

  // Product bug: without the letter, the optional separator in the pattern takes the space
  // before the digits, so "cek 4827 1633" gives " 4827 1633". parseTrackingNumber strips it,
  // so lookups still work, but the function returns more than the number it found.
  it('finds a number typed without its letter, without the space before it', () => {
    expect(findTrackingNumber('cek 4827 1633')).toBe('4827 1633');
  });
});
