import { LANGUAGES, type Lang } from '../types.js';
import { phraseOf } from './tokenize.js';

/** A phrase as its canonical words, e.g. ["terima", "kasih"]. */
export type Phrase = readonly string[];

/** One language's `locales/<lang>/words.json`: how residents write, as plain word lists (see core/i18n/loadWords.ts). */
export interface WordsFile {
  abbreviations: Record<string, string>;
  particles: string[];
  suffixes: string[];
  commands: Record<CommandIntent, string[]>;
  privacy: Record<PrivacyIntent, string[]>;
  services: Record<ServiceIntent, string[]>;
  taskWords: Record<'track' | 'pbb' | 'rate', string[]>;
  smallTalk: Record<SmallTalk, string[]>;
  yes: string[];
  no: string[];
  skip: string[];
  done: string[];
  resume: string[];
  resumeObjects: string[];
  choiceFillers: string[];
  numberWords: string[];
  choices: Record<string, string[]>;
  complaint: Record<ComplaintWords, string[]>;
  permitSearch: { fillers: string[]; verbs: string[] };
  languages: Partial<Record<Lang, string[]>>;
  common: string[];
}

export type CommandIntent = 'menu' | 'cancel' | 'back' | 'help' | 'language';
/**
 * A resident's personal-data request (UU PDP), from any step: the notice (PRIVASI), a copy of
 * their data (DATA SAYA), a correction (UBAH DATA), erasure (HAPUS DATA SAYA), and withdrawing
 * consent to email notices (BERHENTI EMAIL).
 */
export type PrivacyIntent = 'notice' | 'myData' | 'correct' | 'erase' | 'emailOff';
export const PRIVACY_INTENTS: readonly PrivacyIntent[] = ['erase', 'correct', 'emailOff', 'myData', 'notice'];
export type ServiceIntent = 'complaint' | 'pbb' | 'track' | 'permit';
export type SmallTalk = 'greeting' | 'thanks' | 'ack';
/**
 * Words for reading a complaint: `leading` ones ("mau lapor") are not part of the description;
 * a place starts at a `placeMarkers` word (kept: "depan masjid"), after a `placePrepositions` one
 * (dropped: "di"), or at a `placeStarters` word ("Jl."); `placeNouns` make a place specific
 * when a name follows them ("gang Melati"), `vagueWords` do not ("gang kami"); it ends at a
 * `placeEnds` word, a comma or the problem told again ("gang Mawar sejak kemarin").
 */
export type ComplaintWords =
  | 'leading'
  | 'problemWords'
  | 'placeMarkers'
  | 'placePrepositions'
  | 'placeStarters'
  | 'placeNouns'
  | 'vagueWords'
  | 'placeEnds';

/**
 * Every word list of every language, compiled once at start into canonical phrases. Pure data:
 * the conversation core reads it from its context and never loads anything itself.
 */
export interface Lexicon {
  abbreviations: ReadonlyMap<string, readonly string[]>;
  particles: ReadonlySet<string>;
  /** Endings a word may carry and still be the listed word ("jalannya" is "jalan"). */
  suffixes: readonly string[];
  /** Words that are matched exactly only: listed words and everyday ones. */
  known: ReadonlySet<string>;
  commands: Readonly<Record<CommandIntent, readonly Phrase[]>>;
  privacy: Readonly<Record<PrivacyIntent, readonly Phrase[]>>;
  services: Readonly<Record<ServiceIntent, readonly Phrase[]>>;
  taskWords: Readonly<Record<'track' | 'pbb' | 'rate', readonly Phrase[]>>;
  smallTalk: Readonly<Record<SmallTalk, readonly Phrase[]>>;
  yes: readonly Phrase[];
  no: readonly Phrase[];
  skip: readonly Phrase[];
  done: readonly Phrase[];
  resume: readonly Phrase[];
  /** What a resume word may name: "lanjutkan pengajuan", "terusin yang tadi". */
  resumeObjects: readonly Phrase[];
  /** Words that add nothing to a choice ("saya mau ajukan" is "ajukan"). */
  choiceFillers: ReadonlySet<string>;
  /** Words before a number that still make it a choice ("no 2", "pilih 3"). */
  numberWords: ReadonlySet<string>;
  choices: ReadonlyArray<{ id: string; prefix: boolean; phrases: readonly Phrase[] }>;
  complaint: Readonly<Record<ComplaintWords, readonly Phrase[]>>;
  permitSearch: { fillers: ReadonlySet<string>; verbs: ReadonlySet<string> };
  languages: Readonly<Record<Lang, readonly Phrase[]>>;
  /** Option labels' texts per language (from translation.json), to match an option by its own words. */
  labels: Readonly<Record<Lang, Readonly<Record<string, string>>>>;
}

/** Nested translation objects as dotted keys: { menu: { title } } -> 'menu.title'. */
export function flattenTexts(tree: Record<string, unknown>, prefix = '', into: Record<string, string> = {}) {
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') into[key] = value;
    else if (value && typeof value === 'object') flattenTexts(value as Record<string, unknown>, key, into);
  }
  return into;
}

/**
 * Compiles the word lists of every language into one lexicon: residents mix languages, so an
 * English "thanks" counts in an Indonesian conversation too.
 * @example compileLexicon({ id: idWords, en: enWords }, readLocales())
 */
export function compileLexicon(
  files: Record<Lang, WordsFile>,
  translations: Record<Lang, Record<string, unknown>>,
): Lexicon {
  const all = LANGUAGES.map((l) => files[l]);
  const abbreviationSource = new Map<string, string>();
  // The first language wins a clash: Bahasa Indonesia first.
  for (const file of [...all].reverse()) {
    for (const [short, long] of Object.entries(file.abbreviations)) abbreviationSource.set(short, long);
  }
  // The lists themselves are tokenized as messages are: with no abbreviations for those, then with them.
  const base = { abbreviations: new Map<string, readonly string[]>() };
  const abbreviations = new Map<string, readonly string[]>();
  for (const [short, long] of abbreviationSource) {
    const key = phraseOf(short, base)[0];
    if (key) abbreviations.set(key, phraseOf(long, base));
  }
  const lexicon = { abbreviations };
  const phrases = (pick: (f: WordsFile) => readonly string[]): Phrase[] => {
    const seen = new Map<string, Phrase>();
    for (const f of all) {
      for (const text of pick(f)) {
        const phrase = phraseOf(text, lexicon);
        if (phrase.length > 0) seen.set(phrase.join(' '), phrase);
      }
    }
    return [...seen.values()];
  };
  const set = (pick: (f: WordsFile) => readonly string[]) => new Set(phrases(pick).flat());

  const yes = phrases((f) => f.yes);
  const no = phrases((f) => f.no);
  const resume = phrases((f) => f.resume);
  const named: Record<string, Phrase[]> = { '@yes': yes, '@no': no, '@resume': resume };
  const choiceIds = [...new Set(all.flatMap((f) => Object.keys(f.choices)))];
  const choices = choiceIds.map((key) => {
    const list = all.flatMap((f) => f.choices[key] ?? []);
    const expanded = list.flatMap((w) => named[w] ?? [phraseOf(w, lexicon)]).filter((p) => p.length > 0);
    const prefix = key.endsWith(':*');
    return { id: prefix ? key.slice(0, -1) : key, prefix, phrases: expanded };
  });

  const compiled: Lexicon = {
    abbreviations,
    particles: set((f) => f.particles),
    suffixes: [...set((f) => f.suffixes)],
    known: new Set(),
    commands: {
      menu: phrases((f) => f.commands.menu),
      cancel: phrases((f) => f.commands.cancel),
      back: phrases((f) => f.commands.back),
      help: phrases((f) => f.commands.help),
      language: phrases((f) => f.commands.language),
    },
    privacy: {
      notice: phrases((f) => f.privacy.notice),
      myData: phrases((f) => f.privacy.myData),
      correct: phrases((f) => f.privacy.correct),
      erase: phrases((f) => f.privacy.erase),
      emailOff: phrases((f) => f.privacy.emailOff),
    },
    services: {
      complaint: phrases((f) => f.services.complaint),
      pbb: phrases((f) => f.services.pbb),
      track: phrases((f) => f.services.track),
      permit: phrases((f) => f.services.permit),
    },
    taskWords: {
      track: phrases((f) => f.taskWords.track),
      pbb: phrases((f) => f.taskWords.pbb),
      rate: phrases((f) => f.taskWords.rate),
    },
    smallTalk: {
      greeting: phrases((f) => f.smallTalk.greeting),
      thanks: phrases((f) => f.smallTalk.thanks),
      ack: phrases((f) => f.smallTalk.ack),
    },
    yes,
    no,
    skip: phrases((f) => f.skip),
    done: phrases((f) => f.done),
    resume,
    resumeObjects: phrases((f) => f.resumeObjects),
    choiceFillers: set((f) => f.choiceFillers),
    numberWords: set((f) => f.numberWords),
    choices,
    complaint: {
      leading: phrases((f) => f.complaint.leading),
      problemWords: phrases((f) => f.complaint.problemWords),
      placeMarkers: phrases((f) => f.complaint.placeMarkers),
      placePrepositions: phrases((f) => f.complaint.placePrepositions),
      placeStarters: phrases((f) => f.complaint.placeStarters),
      placeNouns: phrases((f) => f.complaint.placeNouns),
      vagueWords: phrases((f) => f.complaint.vagueWords),
      placeEnds: phrases((f) => f.complaint.placeEnds),
    },
    permitSearch: { fillers: set((f) => f.permitSearch.fillers), verbs: set((f) => f.permitSearch.verbs) },
    languages: {
      id: phrases((f) => f.languages.id ?? []),
      en: phrases((f) => f.languages.en ?? []),
    },
    labels: {
      id: flattenTexts(translations.id),
      en: flattenTexts(translations.en),
    },
  };
  // Every word the lists name, and everyday words, is matched exactly: a typo tolerance is for
  // words nobody listed.
  const known = new Set<string>(phrases((f) => f.common).flat());
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v === 'string')) for (const w of value as string[]) known.add(w);
      else value.forEach(collect);
    } else if (value instanceof Set) {
      for (const w of value as Set<string>) known.add(w);
    } else if (value && typeof value === 'object' && !(value instanceof Map)) Object.values(value).forEach(collect);
  };
  collect({ ...compiled, labels: undefined, choices: choices.map((c) => c.phrases) });
  return { ...compiled, known };
}
