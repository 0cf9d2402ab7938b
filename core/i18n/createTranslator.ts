import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { PROJECT_ROOT } from '../paths.js';
import { LANGUAGES, type Lang, type Line, type Reply } from '../conversation/types.js';

export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');

/** A reply in words: its text, and its options with their labels, ready for a channel to draw. */
export interface RenderedReply {
  text: string;
  options: Array<{ id: string; label: string }>;
}

/** Turns neutral replies into words in the citizen's language. */
export interface Translator {
  t(lang: Lang, line: Line): string;
  render(lang: Lang, reply: Reply): RenderedReply;
}

/** Reads locales/<lang>/translation.json for every language. */
export function readLocales(dir: string = LOCALES_DIR): Record<Lang, Record<string, unknown>> {
  return Object.fromEntries(
    LANGUAGES.map((lang) => [lang, JSON.parse(readFileSync(path.join(dir, lang, 'translation.json'), 'utf8'))]),
  ) as Record<Lang, Record<string, unknown>>;
}

/**
 * Builds the translator over i18next, Bahasa Indonesia first with English second.
 * @example const tr = await createTranslator(); tr.t('id', { key: 'menu.title' }) // 'Pilih layanan:'
 */
export async function createTranslator(dir: string = LOCALES_DIR): Promise<Translator> {
  const locales = readLocales(dir);
  const instance = i18next.createInstance();
  await instance.init({
    lng: 'id',
    fallbackLng: 'id',
    supportedLngs: [...LANGUAGES],
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: locales[l] }])),
    // Replies are plain text; each channel escapes for its own markup.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  // "Ketik {{label, lowerFirst}}": a field label ("Nama usaha") read inside a sentence ("Ketik nama
  // usaha"); a label that starts with an acronym ("STR number") stays as it is.
  instance.services.formatter?.add('lowerFirst', (value: unknown) => {
    const text = String(value ?? '');
    return /^\p{Lu}\p{Ll}/u.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
  });
  const fixed: Record<Lang, TFunction> = { id: instance.getFixedT('id'), en: instance.getFixedT('en') };
  const t = (lang: Lang, l: Line): string => fixed[lang](l.key, l.params ?? {}) as string;
  return {
    t,
    render(lang, reply) {
      return {
        text: reply.lines.map((l) => t(lang, l)).join('\n'),
        options: (reply.options ?? []).map((o) => ({ id: o.id, label: t(lang, o.label) })),
      };
    },
  };
}
