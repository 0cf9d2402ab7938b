import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeText, parseIntent, parseNumberChoice, type Intent } from './parseIntent.js';

interface Fixture {
  intents: Array<{ text: string; intent: Intent | null }>;
  numbers: Array<{ text: string; number: number | null }>;
}

const fixture: Fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'parseIntent.cases.json'), 'utf8'));

describe('parseIntent', () => {
  it.each(fixture.intents)('$text -> $intent', ({ text, intent }) => {
    expect(parseIntent(text)).toBe(intent);
  });

  it('the table reaches every intent', () => {
    const reached = new Set(fixture.intents.map((c) => c.intent));
    expect(reached).toEqual(
      new Set(['menu', 'cancel', 'back', 'help', 'language', 'permit', 'complaint', 'pbb', 'track', null]),
    );
  });
});

describe('normalizeText', () => {
  it.each([
    { text: '  Cek   PBB!! ', normalized: 'cek pbb' },
    { text: 'Pengadúan', normalized: 'pengaduan' },
    { text: 'ada?', normalized: 'ada?' },
    { text: '12.75-040', normalized: '12 75 040' },
    { text: '\t\n', normalized: '' },
  ])('$text -> $normalized', ({ text, normalized }) => {
    expect(normalizeText(text)).toBe(normalized);
  });
});

describe('parseNumberChoice', () => {
  it.each(fixture.numbers)('$text -> $number', ({ text, number }) => {
    expect(parseNumberChoice(text)).toBe(number);
  });
});
