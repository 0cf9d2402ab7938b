import type { StepCity } from '../types.js';
import type { Lexicon, Phrase } from './Lexicon.js';
import { findPhrase, sameWord } from './matchWords.js';
import { phraseOf, tokenize, type Token } from './tokenize.js';

/** What a plain-language complaint already says: "lampu jalan mati depan masjid Al Ikhlas". */
export interface ComplaintReading {
  /** The category its words name, when one clearly wins. */
  category: string | null;
  /** The text without the words that only say "a complaint" ("mau lapor"); null when nothing is left. */
  description: string | null;
  /** A specific place named in it ("depan masjid Al Ikhlas Jl. Kenanga"), or null. */
  place: string | null;
  /** It reads as a report of a problem, even with no complaint keyword. */
  isProblem: boolean;
}

type Category = StepCity['complaintCategories'][number];
const phrasesByLexicon = new WeakMap<Lexicon, WeakMap<Category, Phrase[]>>();

/** Words of a category: its keywords, its names (split at "/"), in every language; built once. */
function categoryPhrases(category: Category, lexicon: Lexicon): Phrase[] {
  let byCategory = phrasesByLexicon.get(lexicon);
  if (!byCategory) phrasesByLexicon.set(lexicon, (byCategory = new WeakMap()));
  let phrases = byCategory.get(category);
  if (!phrases) {
    const names = [category.name.id, category.name.en, category.shortName?.id, category.shortName?.en]
      .filter((n): n is string => Boolean(n))
      .flatMap((n) => n.split('/'));
    phrases = [...category.keywords, ...names].map((w) => phraseOf(w, lexicon)).filter((p) => p.length > 0);
    byCategory.set(category, phrases);
  }
  return phrases;
}

// Phrases found with words in between ("jalan di depan pasar rusak") count a little less than
// phrases found whole ("lampu merah" beats "lampu ... mati").
const GAP_WINDOW = 3;
const GAP_PENALTY = 0.5;

/** How strongly the words name a phrase: its length when whole, less when spread out; 0 when absent. */
function phraseScore(words: readonly string[], phrase: Phrase, lexicon: Lexicon): number {
  if (findPhrase(words, phrase, lexicon) >= 0) return phrase.length;
  if (phrase.length < 2) return 0;
  for (let start = 0; start < words.length; start++) {
    if (!sameWord(words[start]!, phrase[0]!, lexicon)) continue;
    let at = start;
    let ok = true;
    for (const word of phrase.slice(1)) {
      let next = -1;
      for (let k = at + 1; k <= Math.min(words.length - 1, at + 1 + GAP_WINDOW); k++) {
        if (sameWord(words[k]!, word, lexicon)) {
          next = k;
          break;
        }
      }
      if (next < 0) {
        ok = false;
        break;
      }
      at = next;
    }
    if (ok) return phrase.length - GAP_PENALTY;
  }
  return 0;
}

/**
 * The category the words name: the one with the strongest phrase, when no other is as strong.
 * @example categoryOf(['lampu', 'merah', 'mati'], city, lexicon) // 'lalu-lintas'
 */
export function categoryOf(words: readonly string[], city: StepCity, lexicon: Lexicon): string | null {
  // The strongest phrase decides; more phrases of the same category break a tie ("truk sampah ...
  // bau busuk": rubbish, named twice, over pollution).
  const scored = city.complaintCategories
    .map((c) => {
      const scores = categoryPhrases(c, lexicon)
        .map((p) => phraseScore(words, p, lexicon))
        .filter((s) => s > 0);
      return { code: c.code, score: scores.length === 0 ? 0 : Math.max(...scores) + 0.1 * scores.length };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0) return null;
  return scored.length === 1 || scored[0]!.score > scored[1]!.score ? scored[0]!.code : null;
}

/** One of the one-word phrases, exactly: the small words of a place take no typo ("setia" is not "setiap"). */
function isAny(word: string, phrases: readonly Phrase[]): boolean {
  return phrases.some((p) => p.length === 1 && p[0] === word);
}

function hasAny(words: readonly string[], phrases: readonly Phrase[], lexicon: Lexicon): boolean {
  return phrases.some((p) => findPhrase(words, p, lexicon) >= 0);
}

/** The typed text from the first token kept to the last, as written. */
function slice(text: string, tokens: readonly Token[]): string {
  return tokens.length === 0 ? '' : text.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end).trim();
}

/**
 * A specific place in the text, if it names one: from a marker ("depan", "di") or a place word
 * written as one ("Jl.", "Gg."), to the end or to where the problem is described again. Vague
 * places ("depan rumah", "di gang") are not taken: the citizen is asked.
 */
function placeOf(text: string, tokens: readonly Token[], city: StepCity, lexicon: Lexicon): string | null {
  const c = lexicon.complaint;
  const letters = text.replace(/[^\p{L}]/gu, '');
  const shouting = letters.length > 0 && letters === letters.toUpperCase();
  const raw = (t: Token) => text.slice(t.start, t.end);
  const capitalised = (t: Token) => !shouting && /^\p{Lu}/u.test(raw(t));
  const problemWords = tokens.map((t) => t.word);
  const categoryWords = new Set(city.complaintCategories.flatMap((cat) => categoryPhrases(cat, lexicon).flat()));
  const isNoun = (t: Token) => isAny(t.word, c.placeNouns);
  // A name: "Melati", "Sisingamangaraja", "12"; not "kami", "rumah" or a word of the problem.
  const isName = (t: Token) =>
    /\d/.test(t.word) ||
    (!isAny(t.word, c.vagueWords) &&
      !isNoun(t) &&
      !categoryWords.has(t.word) &&
      (capitalised(t) || !lexicon.known.has(t.word)));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let from = -1;
    if (isAny(t.word, c.placePrepositions)) from = i + 1;
    else if (isAny(t.word, c.placeMarkers)) from = i;
    else if (isAny(t.word, c.placeStarters) && (capitalised(t) || raw(t).toLowerCase() !== t.word)) from = i;
    if (from < 0 || from >= tokens.length) continue;
    // After "di", a place begins with a place word, a marker or a name ("di KK salah" is no place).
    const head = tokens[from]!;
    if (from === i + 1 && !isNoun(head) && !isAny(head.word, c.placeMarkers) && !isName(head)) continue;
    let tail = tokens.slice(from);
    // The place ends where the problem or its time is told ("di pinggir jalan ga diangkut",
    // "di gang Mawar sejak kemarin"), or at a comma.
    const endsAt = (k: number) =>
      k > 0 &&
      (isAny(tail[k]!.word, c.placeEnds) ||
        /[,;]/.test(text.slice(tail[k - 1]!.end, tail[k]!.start)) ||
        c.problemWords.some((p) => findPhrase(problemWords, p, lexicon, from + k) === from + k));
    const cut = tail.findIndex((_, k) => endsAt(k));
    if (cut > 0) tail = tail.slice(0, cut);
    const body = tail.filter((x) => !isAny(x.word, c.placeMarkers));
    const named = body.some((x) => isName(x) && (capitalised(x) || /\d/.test(x.word)));
    // A place word and its name: "gang Melati", "masjid Al Ikhlas", "simpang 4", "TPS Jl. Mawar".
    const nounThenName = body.some((x, k) => isNoun(x) && body[k + 1] !== undefined && isName(body[k + 1]!));
    if (nounThenName || (body.length >= 2 && named)) return slice(text, tail);
  }
  return null;
}

/**
 * Reads what a complaint typed in one go already tells: its category, description and place.
 * @example readComplaint('ADUAN lampu jalan mati depan masjid Al Ikhlas', city, lexicon)
 *   // { category: 'lampu', description: 'lampu jalan mati depan masjid Al Ikhlas', place: 'depan masjid Al Ikhlas', isProblem: true }
 */
export function readComplaint(text: string, city: StepCity, lexicon: Lexicon): ComplaintReading {
  const all = tokenize(text, lexicon);
  let first = 0;
  while (first < all.length && isAny(all[first]!.word, lexicon.complaint.leading)) first++;
  let last = all.length - 1;
  while (last >= first && lexicon.particles.has(all[last]!.word)) last--;
  const kept = all.slice(first, last + 1);
  const words = kept.filter((t) => !lexicon.particles.has(t.word)).map((t) => t.word);
  const description = slice(text, kept).replace(/^[\s:,.-]+/, '') || null;
  const category = categoryOf(words, city, lexicon);
  const problem = hasAny(words, lexicon.complaint.problemWords, lexicon);
  const strongCategory =
    category !== null &&
    categoryPhrases(
      city.complaintCategories.find((c) => c.code === category)!,
      lexicon,
    ).some((p) => p.length >= 2 && phraseScore(words, p, lexicon) >= p.length);
  const isProblem =
    (category !== null && (problem || strongCategory || words.length >= 4 || words.length === 1)) ||
    (problem && words.length >= 3);
  return { category, description, place: placeOf(text, kept, city, lexicon), isProblem };
}
