import type { Lexicon } from './Lexicon.js';

/** One word of a message in canonical form, with where it stands in the original text. */
export interface Token {
  word: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+|\p{Extended_Pictographic}/gu;
// Skin tones, variation selectors and joiners that ride on an emoji.
const EMOJI_MODIFIERS = /\p{Emoji_Modifier}|\uFE0E|\uFE0F|\u200D/gu;

/**
 * A word in the form lists and messages are compared in: lower case, accents gone, runs of the
 * same letter collapsed ("okeee", "hallo" and "makasihh" meet "oke", "halo", "makasih").
 */
export function canonical(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\p{L})\1+/gu, '$1');
}

/**
 * The words of a message: canonical, with "anak2" read as "anak anak" and abbreviations
 * expanded ("gmn" is "gimana", "tq" is "terima kasih"). A message of only "?" or "-" keeps it as
 * its one word.
 */
export function tokenize(text: string, lexicon: Pick<Lexicon, 'abbreviations'>): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const raw = m[0].replace(EMOJI_MODIFIERS, '');
    // "anak2", "mabuk2an": Indonesian reduplication written with a 2 ("anak anak", "mabuk mabukan").
    const doubled = /^(\p{L}{2,})2(\p{L}*)$/u.exec(raw);
    const parts = doubled ? [doubled[1]!, doubled[1]! + doubled[2]!] : [raw];
    for (const part of parts) {
      const word = canonical(part);
      for (const expanded of lexicon.abbreviations.get(word) ?? [word]) tokens.push({ word: expanded, start, end });
    }
  }
  if (tokens.length === 0) {
    const bare = text.trim();
    if (bare === '?' || bare === '-')
      tokens.push({ word: bare, start: text.indexOf(bare), end: text.indexOf(bare) + 1 });
  }
  return tokens;
}

/** A list entry as canonical words, abbreviations expanded the same way as in messages. */
export function phraseOf(text: string, lexicon: Pick<Lexicon, 'abbreviations'>): string[] {
  return tokenize(text, lexicon).map((t) => t.word);
}

/** The tokens without particles ("pak", "dong", "ya"), unless nothing else is left. */
export function withoutParticles(tokens: readonly Token[], lexicon: Lexicon): Token[] {
  const kept = tokens.filter((t) => !lexicon.particles.has(t.word));
  return kept.length > 0 ? kept : [...tokens];
}
