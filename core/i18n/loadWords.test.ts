import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR } from './createTranslator.js';
import { loadLexicon, readWords, WordsFileError } from './loadWords.js';

/** A copy of locales/ with one language's words.json changed by `edit`. */
function localesWith(lang: string, edit: (words: Record<string, unknown>) => unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-locales-'));
  cpSync(LOCALES_DIR, dir, { recursive: true });
  const file = path.join(dir, lang, 'words.json');
  writeFileSync(file, JSON.stringify(edit(JSON.parse(readFileSync(file, 'utf8')))));
  return dir;
}

describe('the word lists are validated at start', () => {
  it('reads both languages and compiles them into one lexicon', () => {
    const words = readWords();
    expect(Object.keys(words).sort()).toEqual(['en', 'id']);
    const lexicon = loadLexicon();
    // Indonesian and English words both count, whatever the citizen's language.
    expect(lexicon.smallTalk.thanks).toContainEqual(['makasih']);
    expect(lexicon.smallTalk.thanks).toContainEqual(['thanks']);
  });

  it.each([
    {
      label: 'a missing list',
      edit: (w: Record<string, unknown>) => ({ ...w, yes: undefined }),
      says: /words\.json is invalid:\n {2}- yes:/,
    },
    {
      label: 'an empty word',
      edit: (w: Record<string, unknown>) => ({ ...w, skip: ['lewati', ''] }),
      says: /skip\.1:/,
    },
    {
      label: 'a choice that is not an option id',
      edit: (w: Record<string, unknown>) => ({ ...w, choices: { 'Kirim!': ['kirim'] } }),
      says: /choices\.Kirim!: Invalid key/,
    },
    { label: 'broken JSON', edit: () => '{', says: /cannot be read as JSON|is invalid/ },
  ])('refuses $label, naming the file and the field', ({ edit, says }) => {
    const dir = localesWith('en', edit);
    expect(() => readWords(dir)).toThrow(WordsFileError);
    expect(() => readWords(dir)).toThrow(says);
    expect(() => readWords(dir)).toThrow(path.join(dir, 'en', 'words.json'));
  });
});
