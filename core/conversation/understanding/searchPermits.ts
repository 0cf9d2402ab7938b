import type { PermitTypeData } from '../../city/loadCityData.js';
import type { Lexicon } from './Lexicon.js';
import { findPhrase, sameWord } from './matchWords.js';
import { phraseOf } from './tokenize.js';
import { wordsOf } from './readMessage.js';

export interface PermitSearch {
  /** The types that fit best, best first; empty when nothing fits. */
  found: PermitTypeData[];
  /** The query's words that say which permit (fillers such as "izin", "mau urus" dropped). */
  words: string[];
  /** Every one of those words fits what was found. */
  complete: boolean;
}

const EXACT = 3;
const TYPO = 2;
const PREFIX = 1;
const CLOSEST = 4;

interface Indexed {
  type: PermitTypeData;
  /** Single words of its code, names and keywords. */
  words: string[];
  /** Its keywords and names of more than one word ("bangun rumah", "dokter gigi"). */
  phrases: string[][];
  code: string;
}

const indexes = new WeakMap<readonly PermitTypeData[], Indexed[]>();

function index(types: readonly PermitTypeData[], lexicon: Lexicon): Indexed[] {
  const cached = indexes.get(types);
  if (cached) return cached;
  const built = types.map((type) => {
    const texts = [
      type.code,
      type.code.replace(/-/g, ''),
      type.name.id,
      type.name.en,
      type.shortName?.id ?? '',
      type.shortName?.en ?? '',
      ...type.keywords,
    ];
    const phrases = texts.map((t) => phraseOf(t, lexicon)).filter((p) => p.length > 0);
    return {
      type,
      words: [...new Set(phrases.flat())],
      phrases: [...type.keywords, type.name.id, type.name.en]
        .map((t) => phraseOf(t, lexicon))
        .filter((p) => p.length > 1),
      code: phraseOf(type.code.replace(/-/g, ''), lexicon).join(''),
    };
  });
  indexes.set(types, built);
  return built;
}

/** How well one word of the query fits a type: exactly, with a typo, or as the start of a word. */
function wordScore(word: string, entry: Indexed, lexicon: Lexicon): number {
  if (entry.words.includes(word)) return EXACT;
  if (entry.words.some((w) => sameWord(word, w, lexicon))) return TYPO;
  if (word.length >= 4 && entry.words.some((w) => w.startsWith(word))) return PREFIX;
  return 0;
}

/** Character trigrams, for the closest names when nothing fits. */
function trigrams(text: string): Set<string> {
  const padded = `  ${text} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

/**
 * Finds permit types by what people call them, on whole words: a code ("siup"), words of a name
 * ("praktik bidan"), keywords from the catalogue ("warung", "bangun rumah"), one typo allowed.
 * Types that fit more of the query's words come first; among those, the best fits; an exact code
 * wins outright. `closest` lists the nearest few names when nothing fits.
 * @example searchPermits(types, 'mau urus imb', lexicon).found[0].code // 'PBG'
 */
export function searchPermits(types: readonly PermitTypeData[], query: string, lexicon: Lexicon): PermitSearch {
  const entries = index(types, lexicon);
  // Fillers and verbs ("mau", "urus", "pasang") and numbers ("17an") say nothing of which permit.
  const words = wordsOf(query, lexicon).filter(
    (w) => !lexicon.permitSearch.fillers.has(w) && !lexicon.permitSearch.verbs.has(w) && !/\d/.test(w),
  );
  if (words.length === 0) return { found: [], words, complete: false };
  const byCode = entries.find((e) => e.code === words.join(''));
  if (byCode) return { found: [byCode.type], words, complete: true };

  const scored = entries.map((entry) => {
    const covered = new Set<number>();
    let score = 0;
    // A keyword of several words found whole in the query counts for each of its words.
    for (const phrase of entry.phrases) {
      const at = findPhrase(words, phrase, lexicon);
      if (at < 0) continue;
      for (let k = at; k < at + phrase.length; k++) covered.add(k);
      score += EXACT * phrase.length;
    }
    words.forEach((word, i) => {
      if (covered.has(i)) return;
      const s = wordScore(word, entry, lexicon);
      if (s > 0) {
        covered.add(i);
        score += s;
      }
    });
    return { entry, covered: covered.size, score, first: covered.size > 0 ? Math.min(...covered) : words.length };
  });
  const most = Math.max(...scored.map((s) => s.covered));
  // Half the words at least must fit: "lampu jalan di komplek mati" is not the road-use permit.
  if (most === 0 || most * 2 < words.length) return { found: [], words, complete: false };
  const fitting = scored.filter((s) => s.covered === most);
  const top = Math.max(...fitting.map((s) => s.score));
  // A type that fits clearly better than the rest ("apotek" over "apoteker") is the answer alone.
  const best = fitting.filter((s) => s.score === top);
  // Equal fits: the one that fits the earlier word ("pasang spanduk acara": the banner, not the event).
  const chosen = best.length === 1 ? best : fitting.sort((a, b) => b.score - a.score || a.first - b.first);
  return { found: chosen.map((s) => s.entry.type), words, complete: most === words.length };
}

/** The few types whose names are nearest to what was typed, for a search that found nothing. */
export function closestPermits(types: readonly PermitTypeData[], words: readonly string[]): PermitTypeData[] {
  const query = trigrams(words.join(' '));
  return types
    .map((type) => ({
      type,
      score: Math.max(
        ...[type.name.id, type.shortName?.id ?? '', ...type.keywords].map((n) =>
          similarity(query, trigrams(n.toLowerCase())),
        ),
      ),
    }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, CLOSEST)
    .map((s) => s.type);
}
