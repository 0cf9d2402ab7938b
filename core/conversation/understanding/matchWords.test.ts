import { describe, expect, it } from 'vitest';
import { defaultWords } from '../../../test/support/testDatabase.js';
import { coveredBy, findPhrase, sameWord, withinOneEdit } from './matchWords.js';
import { canonical, tokenize } from './tokenize.js';

describe('canonical words and tokens', () => {
  it.each([
    { text: 'okeee', word: 'oke' },
    { text: 'HALLO', word: 'halo' },
    { text: 'makasihhh', word: 'makasih' },
    { text: 'Pengadúan', word: 'pengaduan' },
    { text: 'pagiii', word: 'pagi' },
  ])('$text -> $word', ({ text, word }) => {
    expect(canonical(text)).toBe(word);
  });

  it.each([
    { text: 'anak2 balap', words: ['anak', 'anak', 'balap'] },
    { text: 'mabuk2an tiap malam', words: ['mabuk', 'mabukan', 'tiap', 'malam'] },
    { text: 'gmn cara urus izin', words: ['gimana', 'cara', 'urus', 'izin'] },
    { text: 'tq min', words: ['thanks', 'min'] },
    { text: 'trims pak', words: ['terima', 'kasih', 'pak'] },
    { text: 'Jl. Kenanga no.5', words: ['jalan', 'kenanga', 'no', '5'] },
    { text: '👍🏽', words: ['👍'] },
    { text: '?', words: ['?'] },
    { text: '...', words: [] },
  ])('$text -> $words', ({ text, words }) => {
    expect(tokenize(text, defaultWords).map((t) => t.word)).toEqual(words);
  });

  it('keeps where each word stands in the text', () => {
    const text = 'lampu mati di Jl. Kenanga';
    expect(tokenize(text, defaultWords).map((t) => text.slice(t.start, t.end))).toEqual([
      'lampu',
      'mati',
      'di',
      'Jl',
      'Kenanga',
    ]);
  });
});

describe('one typo on whole words', () => {
  it.each([
    { a: 'lapro', b: 'lapor', within: true },
    { a: 'bntuan', b: 'bantuan', within: true },
    { a: 'pengaduan', b: 'pengadun', within: true },
    { a: 'sampah', b: 'sampai', within: true },
    { a: 'lampu', b: 'lapor', within: false },
    { a: 'izin', b: 'ijin', within: true },
    { a: 'abc', b: 'abcde', within: false },
  ])('$a and $b: $within', ({ a, b, within }) => {
    expect(withinOneEdit(a, b)).toBe(within);
    expect(withinOneEdit(b, a)).toBe(within);
  });

  it.each([
    { typed: 'lapro', listed: 'lapor', same: true, why: 'a swap in a long word' },
    { typed: 'sampai', listed: 'sampah', same: false, why: 'an everyday word is not a typo of a listed one' },
    { typed: 'adam', listed: 'padam', same: false, why: 'a word of four letters carries no typo' },
    { typed: 'jalanya', listed: 'jalan', same: true, why: 'jalannya with -nya, its n collapsed' },
    { typed: 'lampunya', listed: 'lampu', same: true, why: '-nya' },
    { typed: '12345', listed: '12346', same: false, why: 'numbers are never typos' },
  ])('$typed for $listed: $same ($why)', ({ typed, listed, same }) => {
    expect(sameWord(typed, listed, defaultWords)).toBe(same);
  });

  it('finds phrases on word boundaries only: "imb" is not in "limbah"', () => {
    expect(findPhrase(['izin', 'limbah'], ['imb'], defaultWords)).toBe(-1);
    expect(findPhrase(['urus', 'imb'], ['imb'], defaultWords)).toBe(1);
  });

  it('reads a message as a run of phrases', () => {
    expect(coveredBy(['oke', 'terima', 'kasih'], [['oke'], ['terima', 'kasih']], defaultWords)).toBe(true);
    expect(coveredBy(['oke', 'lampu'], [['oke'], ['terima', 'kasih']], defaultWords)).toBe(false);
  });
});
