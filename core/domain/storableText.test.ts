import { describe, expect, it } from 'vitest';
import { storableText } from './storableText.js';

/** Whether PostgreSQL would take the string in text and jsonb: no NUL, no lone surrogate. */
const storable = (s: string) => !s.includes('\u0000') && s === Buffer.from(s, 'utf8').toString('utf8');

describe('storableText', () => {
  it.each([
    { name: 'NUL removed', input: 'cek\u0000 pbb', max: 100, out: 'cek pbb' },
    {
      name: 'other controls removed, line breaks and tabs kept',
      input: 'a\u0007b\u001bc\nd\te\r\n',
      max: 100,
      out: 'abc\nd\te\r\n',
    },
    { name: 'a lone high surrogate becomes U+FFFD', input: 'lampu \ud83d', max: 100, out: 'lampu \ufffd' },
    { name: 'a lone low surrogate becomes U+FFFD', input: '\ude00 mati', max: 100, out: '\ufffd mati' },
    { name: 'short text untouched', input: 'lampu jalan mati 💡', max: 100, out: 'lampu jalan mati 💡' },
    // 'ab' then a four-unit emoji with skin tone: a UTF-16 cut at 3 would leave half of it.
    { name: 'cut by code points, never inside an emoji', input: 'ab👋🏽cd', max: 3, out: 'ab' },
    { name: 'an emoji that fits is kept whole', input: 'ab👋🏽cd', max: 4, out: 'ab👋🏽' },
    { name: 'a family emoji (ZWJ sequence) is one character to the reader', input: 'x👨‍👩‍👧y', max: 4, out: 'x' },
    { name: 'a letter with a combining accent stays together', input: 'cafe\u0301', max: 4, out: 'caf' },
    { name: 'emoji-only text cut to whole emoji', input: '😀'.repeat(10), max: 3, out: '😀😀😀' },
  ])('$name', ({ input, max, out }) => {
    expect(storableText(input, max)).toBe(out);
  });

  it('a 2,000-character message of emoji is cut to the limit in code points and stays storable', () => {
    const cut = storableText('🚧'.repeat(2000), 1000);
    expect([...cut]).toHaveLength(1000);
    expect(storable(cut)).toBe(true);
  });

  it('any string comes out storable and no longer than the limit', () => {
    // Every UTF-16 unit from a deterministic walk over the whole range, surrogates included.
    let s = '';
    for (let i = 0; i < 5000; i++) s += String.fromCharCode((i * 7919) % 0x10000);
    const cut = storableText(s, 1200);
    expect(storable(cut)).toBe(true);
    expect([...cut].length).toBeLessThanOrEqual(1200);
  });
});
