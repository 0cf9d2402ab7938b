import path from 'node:path';
import { z } from 'zod';
import { readValidatedJson } from '../data/readValidatedJson.js';
import { compileLexicon, type Lexicon, type WordsFile } from '../conversation/understanding/Lexicon.js';
import { LANGUAGES, type Lang } from '../conversation/types.js';
import { LOCALES_DIR, readLocales } from './createTranslator.js';

const words = z.array(z.string().min(1));

/** One language's `locales/<lang>/words.json`, as validated at start. */
const wordsFileSchema = z.object({
  about: z.string().optional(),
  abbreviations: z.record(z.string().min(1), z.string().min(1)),
  particles: words,
  suffixes: words,
  commands: z.object({ menu: words, cancel: words, back: words, help: words, language: words }),
  privacy: z.object({ notice: words, myData: words, correct: words, erase: words, emailOff: words }),
  services: z.object({ complaint: words, pbb: words, track: words, permit: words }),
  taskWords: z.object({ track: words, pbb: words, rate: words }),
  smallTalk: z.object({ greeting: words, thanks: words, ack: words }),
  yes: words,
  no: words,
  skip: words,
  done: words,
  resume: words,
  resumeObjects: words,
  choiceFillers: words,
  numberWords: words,
  /** Synonyms of an option, by its id ("permit.submit") or id prefix ("permit.apply:*"); "@yes" names a list. */
  choices: z.record(
    z.string().regex(/^[a-z][\w.]*(:[\w-]+|:\*)?$/, 'must be an option id or a prefix ending in :*'),
    words,
  ),
  complaint: z.object({
    leading: words,
    problemWords: words,
    placeMarkers: words,
    placePrepositions: words,
    placeStarters: words,
    placeNouns: words,
    vagueWords: words,
    placeEnds: words,
  }),
  permitSearch: z.object({ fillers: words, verbs: words }),
  languages: z.partialRecord(z.enum(LANGUAGES), words),
  common: words,
}) satisfies z.ZodType<WordsFile>;

/** Thrown when a words file is missing or invalid; names the file and the field. */
export class WordsFileError extends Error {
  override name = 'WordsFileError';
}

/** Reads and validates locales/<lang>/words.json for every language. */
export function readWords(dir: string = LOCALES_DIR): Record<Lang, WordsFile> {
  const read = (lang: Lang): WordsFile =>
    readValidatedJson(path.join(dir, lang, 'words.json'), wordsFileSchema, (message) => new WordsFileError(message));
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, read(lang)])) as Record<Lang, WordsFile>;
}

/**
 * The lexicon the conversation core reads messages with: every language's word lists and the
 * option labels of every language's texts.
 * @example const words = loadLexicon(); step(state, event, { ...ctx, words });
 */
export function loadLexicon(dir: string = LOCALES_DIR): Lexicon {
  return compileLexicon(readWords(dir), readLocales(dir));
}
