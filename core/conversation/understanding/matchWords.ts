import type { Lexicon, Phrase } from './Lexicon.js';

/** Words this long or longer may carry one typo. */
const TYPO_MIN_LENGTH = 5;

/** True when a and b are at most one edit apart (insert, delete, replace, or swap of neighbours). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i);
}

/**
 * Whether a word of a message stands for a listed word: the same, the same with "-nya", or one
 * typo away when both are long enough and the typed word is not itself a known word.
 */
export function sameWord(typed: string, listed: string, lexicon: Lexicon): boolean {
  if (typed === listed) return true;
  // A suffix such as Indonesian "-nya" (its, the): "jalannya" is "jalan". Canonical words have
  // runs of a letter collapsed, so "jalannya" arrives as "jalanya": the stem may have lost its
  // last letter to the suffix.
  for (const suffix of lexicon.suffixes) {
    if (!typed.endsWith(suffix) || typed.length < suffix.length + 3) continue;
    const stem = typed.slice(0, -suffix.length);
    if (stem === listed || stem + suffix[0] === listed) return true;
  }
  return (
    listed.length >= TYPO_MIN_LENGTH &&
    typed.length >= TYPO_MIN_LENGTH &&
    !/\d/.test(typed) &&
    !lexicon.known.has(typed) &&
    withinOneEdit(typed, listed)
  );
}

/** Where `phrase` starts in `words` as consecutive words, from `from` on; -1 when it does not. */
export function findPhrase(words: readonly string[], phrase: Phrase, lexicon: Lexicon, from = 0): number {
  outer: for (let i = from; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (!sameWord(words[i + j]!, phrase[j]!, lexicon)) continue outer;
    return i;
  }
  return -1;
}

/** True when the words are exactly one of the phrases. */
export function isOneOf(words: readonly string[], phrases: readonly Phrase[], lexicon: Lexicon): boolean {
  return phrases.some((p) => p.length === words.length && findPhrase(words, p, lexicon) === 0);
}

/**
 * True when the words can be read entirely as a run of the phrases ("oke makasih banyak" as
 * "oke" + "makasih banyak"); longer phrases are tried first.
 */
export function coveredBy(words: readonly string[], phrases: readonly Phrase[], lexicon: Lexicon): boolean {
  if (words.length === 0) return false;
  const sorted = [...phrases].sort((a, b) => b.length - a.length);
  const memo = new Map<number, boolean>();
  const from = (i: number): boolean => {
    if (i === words.length) return true;
    const known = memo.get(i);
    if (known !== undefined) return known;
    const ok = sorted.some(
      (p) =>
        p.length > 0 && i + p.length <= words.length && findPhrase(words, p, lexicon, i) === i && from(i + p.length),
    );
    memo.set(i, ok);
    return ok;
  };
  return from(0);
}

/** The longest of the phrases found anywhere in the words, as its length; 0 when none is. */
export function longestFound(words: readonly string[], phrases: readonly Phrase[], lexicon: Lexicon): number {
  let best = 0;
  for (const p of phrases) if (p.length > best && findPhrase(words, p, lexicon) >= 0) best = p.length;
  return best;
}
