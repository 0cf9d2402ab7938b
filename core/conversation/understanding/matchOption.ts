import { LANGUAGES, type Line, type StepCity } from '../types.js';
import type { Lexicon, Phrase } from './Lexicon.js';
import { coveredBy, isOneOf, sameWord } from './matchWords.js';
import type { Reading } from './readMessage.js';
import { phraseOf } from './tokenize.js';

/** An option as it was offered: its id and, when known, its label. */
export interface Offered {
  id: string;
  label?: Line | undefined;
}

/** Fills `{{name}}` placeholders the way i18next does for the simple texts labels are. */
function interpolate(template: string, params: Line['params']): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(params?.[name] ?? ''));
}

/** The words of an option's label in every language: "Ajukan sekarang", "Apply now". */
function labelPhrases(label: Line | undefined, lexicon: Lexicon): Phrase[] {
  if (!label) return [];
  return LANGUAGES.map((lang) => lexicon.labels[lang][label.key])
    .filter((t): t is string => typeof t === 'string')
    .flatMap((t) => {
      const text = interpolate(t, label.params);
      // "Surat Izin Usaha Perdagangan (SIUP)": the name, and what is in brackets, each on its own.
      const inner = /\(([^)]+)\)/.exec(text)?.[1];
      return [text, text.replace(/\([^)]*\)/g, ' '), ...(inner ? [inner] : [])];
    })
    .map((t) => phraseOf(t, lexicon))
    .filter((p) => p.length > 0);
}

/** Words the data gives an option beyond its label: synonyms, and the names of what it stands for. */
function synonyms(id: string, city: StepCity, lexicon: Lexicon): Phrase[] {
  const listed = lexicon.choices
    .filter((c) => (c.prefix ? id.startsWith(c.id) : c.id === id))
    .flatMap((c) => c.phrases);
  const [kind, value] = id.split(/:(.*)/s) as [string, string | undefined];
  const named: string[] = [];
  if (kind === 'permit.type' && value) {
    const type = city.permitTypes.find((t) => t.code === value);
    if (type) named.push(type.code, type.name.id, type.name.en, type.shortName?.id ?? '', type.shortName?.en ?? '');
  } else if (kind === 'complaint.category' && value) {
    const category = city.complaintCategories.find((c) => c.code === value);
    if (category)
      named.push(category.name.id, category.name.en, category.shortName?.id ?? '', category.shortName?.en ?? '');
  } else if (kind === 'track.this' && value) named.push(value);
  return [...listed, ...named.filter(Boolean).map((n) => phraseOf(n, lexicon))];
}

/**
 * The option a typed reply names by its words, when exactly one fits: its label ("Ajukan
 * sekarang"), its synonyms from the word lists ("kirim", "ya"), or the name of what it stands
 * for ("SIUP"). The reply must be those words and nothing else ("oke kirim" is; "ya, tapi
 * alamatnya salah" is not). A label said whole wins over a synonym two options share.
 */
export function matchOption(
  reading: Reading,
  offered: readonly Offered[],
  city: StepCity,
  lexicon: Lexicon,
): string | null {
  if (reading.words.length === 0) return null;
  const byLabel = offered.filter((o) => isOneOf(reading.words, labelPhrases(o.label, lexicon), lexicon));
  if (byLabel.length === 1) return byLabel[0]!.id;
  // "saya mau ajukan", "iya rahasiakan": words that only lead up to the choice are left out,
  // and a yes before the choice's own word ("ya kirim") when the whole does not fit.
  const phrasesOf = (o: Offered) => [...labelPhrases(o.label, lexicon), ...synonyms(o.id, city, lexicon)];
  const words = withoutFillers(reading.words, lexicon);
  for (const candidate of [words, withoutYes(words, lexicon)]) {
    const fitting = offered.filter((o) => coveredBy(candidate, phrasesOf(o), lexicon));
    if (fitting.length === 1) return fitting[0]!.id;
    if (fitting.length > 1) return null;
  }
  // "alamatnya" where "Alamat usaha" is offered: a word of one label only picks it, for options
  // that choose a part or an item; a word alone never sends or cancels anything, and permit
  // types are found by the catalogue search, which knows more than one page.
  const partial = offered.filter(
    (o) =>
      !/submit|cancel|^permit\.type:/i.test(o.id) &&
      labelPhrases(o.label, lexicon).some((p) => words.every((w) => p.some((l) => sameWord(w, l, lexicon)))),
  );
  return partial.length === 1 ? partial[0]!.id : null;
}

/** The words without choice fillers ("saya mau ajukan" is "ajukan"), unless nothing else is left. */
function withoutFillers(words: readonly string[], lexicon: Lexicon): string[] {
  const kept = words.filter((w) => !lexicon.choiceFillers.has(w));
  return kept.length > 0 ? kept : [...words];
}

/** The words without yes-words before others ("ya kirim" is "kirim"), unless nothing else is left. */
function withoutYes(words: readonly string[], lexicon: Lexicon): string[] {
  const yes = new Set(lexicon.yes.filter((p) => p.length === 1).map((p) => p[0]!));
  const kept = words.filter((w) => !yes.has(w));
  return kept.length > 0 ? kept : [...words];
}
