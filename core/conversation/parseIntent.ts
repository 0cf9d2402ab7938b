/** Understanding loosely typed text: "1", "pbb", "cek pbb", "mau bayar pajak bumi", any case or spacing. */

export type Intent = 'menu' | 'cancel' | 'back' | 'help' | 'language' | 'permit' | 'complaint' | 'pbb' | 'track';

/** Lower case, accents and punctuation gone, spaces collapsed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}?]+/gu, ' ')
    .trim();
}

// Whole-message commands that work from any step. Checked before anything else.
const COMMANDS: ReadonlyArray<[Intent, readonly string[]]> = [
  ['menu', ['menu', 'mulai', 'start', 'home', 'halo', 'hallo', 'hai', 'hi', 'hello', 'p', 'ping', 'assalamualaikum']],
  ['cancel', ['batal', 'batalkan', 'cancel', 'keluar', 'exit', 'quit']],
  ['back', ['kembali', 'back', 'balik', '0']],
  ['help', ['bantuan', 'help', 'tolong', 'info', '?', 'panduan']],
  ['language', ['bahasa', 'language', 'lang', 'english', 'inggris', 'bahasa inggris', 'indonesia', 'bahasa indonesia']],
];

// Words that point to a service anywhere in a sentence, strongest first: "cek pbb" is PBB, not tracking.
const SERVICE_WORDS: ReadonlyArray<[Intent, RegExp]> = [
  ['pbb', /\b(pbb|sppt|nop|pajak|property tax|land tax|tax)(nya)?\b/],
  ['complaint', /\b(aduan|adu|mengadu|pengaduan|lapor\w*|keluh\w*|komplain|complain\w*)(nya)?\b/],
  ['permit', /\b(izin|ijin|perizinan|perijinan|permit\w*|licen[cs]e|siup)(nya)?\b/],
  ['track', /\b(cek|check|lacak|status|track\w*|pantau)(nya)?\b/],
];

/**
 * Reads what a citizen most likely means, or null when nothing is recognisable.
 * @example parseIntent('Mau bayar pajak bumi') // 'pbb'
 */
export function parseIntent(text: string): Intent | null {
  const whole = normalizeText(text);
  // A lone "?" asks for help; elsewhere a question mark is just punctuation ("help?").
  const normalized = whole === '?' ? whole : whole.replace(/\?/g, ' ').replace(/\s+/g, ' ').trim();
  if (normalized === '') return null;
  for (const [intent, words] of COMMANDS) {
    if (words.includes(normalized)) return intent;
  }
  for (const [intent, pattern] of SERVICE_WORDS) {
    if (pattern.test(normalized)) return intent;
  }
  return null;
}

/** A bare number such as "2" or " 2. ", as people answer numbered menus. */
export function parseNumberChoice(text: string): number | null {
  const m = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}
