import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPLAINT_STATUSES } from '../cases/complaintLifecycle.js';
import { PERMIT_STATUSES } from '../cases/permitLifecycle.js';
import { describe, expect, it } from 'vitest';
import { defaultCity, defaultWords } from '../../test/support/testDatabase.js';
import { formSteps } from '../conversation/flows/permitFlow.js';
import { initialState } from '../conversation/initialState.js';
import { step } from '../conversation/step.js';
import type { ConversationState, Lang, Reply, StepContext, StepEvent } from '../conversation/types.js';
import { createTranslator, readLocales } from './createTranslator.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LANGS: Lang[] = ['id', 'en'];

/** Nested translation objects as dotted keys: { menu: { title } } -> 'menu.title'. */
function flatten(tree: Record<string, unknown>, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') flat.set(key, value);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of flatten(value as Record<string, unknown>, key)) flat.set(k, v);
    } else throw new Error(`${key} is neither text nor a group`);
  }
  return flat;
}

const ctx: StepContext = {
  now: new Date('2026-11-28T03:00:00Z'),
  city: defaultCity,
  idleTimeoutMs: 30 * 60_000,
  draftRetentionMs: 72 * 3_600_000,
  channel: { media: false },
  citizenPhone: null,
  words: defaultWords,
};

const raw = readLocales();
const locales: Record<Lang, Map<string, string>> = { id: flatten(raw.id), en: flatten(raw.en) };

/** Keys the code names that are missing from a language. */
function missingKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].flatMap((key) => LANGS.filter((l) => !locales[l].has(key)).map((l) => `${l}: ${key}`));
}

// ---------------------------------------------------------------------------------------------
// A small scanner for i18n keys in TypeScript source. It reads the argument that holds a key
// in each call that takes one, and from it the string literals that can end up there:
// `line('a.b')`, `line(ok ? 'a.b' : 'a.c')`, `option('id', 'a.b')`,
// `showMenu(turn, ctx, 'a.b')`, `{ key: 'a.b' }` and `const key = ok ? 'a.b' : 'a.c'`.
// Template literals with `${...}` are kept apart as dynamic keys.
// ---------------------------------------------------------------------------------------------

/** For each call, which arguments hold a key. */
const KEY_ARGUMENTS: Record<string, (args: string[]) => string[]> = {
  line: (args) => args.slice(0, 1),
  option: (args) => args.slice(1, 2),
  // showMenu(turn, ctx, first?, params?): turn and ctx are never literals.
  showMenu: (args) => args.slice(0, 3),
};

/** The top-level arguments of a call whose opening parenthesis is at `open`. */
function callArguments(source: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < source.length; i++) {
    const ch = source[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < source.length && source[i] !== ch; i++) if (source[i] === '\\') i++;
    } else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    else if (ch === ')' || (ch === ',' && depth === 0)) {
      args.push(source.slice(start, i).trim());
      if (ch === ')') break;
      start = i + 1;
    }
  }
  return args.filter((a) => a !== '');
}

/** The first index where `match` holds outside strings and brackets, or -1. */
function topLevelIndex(expr: string, match: (expr: string, i: number) => boolean): number {
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < expr.length && expr[i] !== ch; i++) if (expr[i] === '\\') i++;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0 && match(expr, i)) return i;
  }
  return -1;
}

// A ternary's `?` (not `?.` or `??`) and its `:`.
const isQuestion = (e: string, i: number) => e[i] === '?' && e[i + 1] !== '.' && e[i + 1] !== '?' && e[i - 1] !== '?';
const isColon = (e: string, i: number) => e[i] === ':';

/** The strings an expression can evaluate to, as far as literals tell: `a ? 'x' : 'y'` -> x, y. */
function valuesOf(expr: string): { keys: string[]; dynamic: string[] } {
  const q = topLevelIndex(expr, isQuestion);
  if (q >= 0) {
    const rest = expr.slice(q + 1);
    const colon = topLevelIndex(rest, isColon);
    const branches = colon >= 0 ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest];
    const parts = branches.map((b) => valuesOf(b.trim()));
    return { keys: parts.flatMap((p) => p.keys), dynamic: parts.flatMap((p) => p.dynamic) };
  }
  const literal = /^(['"])([^'"]*)\1$/.exec(expr);
  if (literal) return { keys: [literal[2] ?? ''], dynamic: [] };
  const template = /^`([^`]*)`$/.exec(expr);
  if (template) {
    const text = template[1] ?? '';
    return text.includes('${') ? { keys: [], dynamic: [text] } : { keys: [text], dynamic: [] };
  }
  return { keys: [], dynamic: [] };
}

/** The i18n keys a source file names, and the dynamic ones as templates. */
function scanKeys(source: string): { keys: string[]; dynamic: string[] } {
  const keys: string[] = [];
  const dynamic: string[] = [];
  const add = (found: { keys: string[]; dynamic: string[] }) => {
    keys.push(...found.keys);
    dynamic.push(...found.dynamic);
  };
  for (const m of source.matchAll(/(?<![.\w])(line|option|showMenu)\s*\(/g)) {
    const pick = KEY_ARGUMENTS[m[1] ?? ''];
    if (!pick) continue;
    for (const arg of pick(callArguments(source, (m.index ?? 0) + m[0].length - 1))) add(valuesOf(arg));
  }
  for (const m of source.matchAll(/\{\s*key\s*:\s*(['"`][^'"`]*['"`])/g)) add(valuesOf(m[1] ?? ''));
  // A variable named `key` is not always an i18n key (a cache key, say): keep only key-shaped values.
  const keyShaped = (text: string) => /^[a-z]\w*(\.\w+)+$/.test(text.replace(/\$\{[^}]*\}/g, 'x'));
  for (const m of source.matchAll(/\b(?:const|let)\s+key\s*=\s*([^;\n]+)/g)) {
    const found = valuesOf((m[1] ?? '').trim());
    add({ keys: found.keys.filter(keyShaped), dynamic: found.dynamic.filter(keyShaped) });
  }
  return { keys, dynamic };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => `${dir}/${f.split(path.sep).join('/')}`)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('core/generated/'));
}

const files = [...sourceFiles('core'), ...sourceFiles('bots')];
const scanned = files.map((file) => ({ file, ...scanKeys(readFileSync(path.join(ROOT, file), 'utf8')) }));

describe('locales', () => {
  it('id and en have exactly the same keys', () => {
    const id = [...locales.id.keys()];
    const en = [...locales.en.keys()];
    expect({ onlyInId: id.filter((k) => !locales.en.has(k)), onlyInEn: en.filter((k) => !locales.id.has(k)) }).toEqual({
      onlyInId: [],
      onlyInEn: [],
    });
    expect(id.length).toBeGreaterThan(20);
  });

  it('no translation is empty', () => {
    const empty = LANGS.flatMap((l) =>
      [...locales[l]].filter(([, text]) => text.trim() === '').map(([k]) => `${l}: ${k}`),
    );
    expect(empty).toEqual([]);
  });

  it('both languages use the same {{placeholders}} in each text', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const differing = [...locales.id]
      .filter(([key, text]) => {
        const en = locales.en.get(key);
        return en !== undefined && JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(en));
      })
      .map(([key]) => key);
    expect(differing).toEqual([]);
  });
});

describe('every key the code names exists in both languages', () => {
  it('the scanner finds keys in each form the code uses, and would report a missing one', () => {
    const sample = [
      "turn.say(message([line('does.not.exist'), line('pbb.askNop', { n: 1 })]));",
      "const LANG = [option('lang.id', 'language.option.id')];",
      "showMenu(turn, ctx, flow !== 'menu' ? 'nav.cancelled' : undefined);",
      "showMenu(turn, ctx, choice === 'permit.type:X' ? 'nav.cancelled' : undefined);",
      "return showMenu(turn, ctx, 'menu.welcome', { city: ctx.city.name });",
      "tr.t(lang, { key: 'sms.replyWord' });",
      "const key = parsed.reason === 'check' ? 'track.invalidCheck' : 'track.invalidShape';",
      'const key = `${lang}/${timeZone}`;',
      "function durationLine(key: 'track.left' | 'track.overdue', ms: number): Line {",
      'prompt = line(`permit.ask.${at}`);',
      'export function line(key: string, params?: Line["params"]): Line {',
    ].join('\n');
    const found = scanKeys(sample);
    expect(found.keys.sort()).toEqual(
      [
        'does.not.exist',
        'pbb.askNop',
        'language.option.id',
        'nav.cancelled',
        'nav.cancelled',
        'menu.welcome',
        'sms.replyWord',
        'track.invalidCheck',
        'track.invalidShape',
      ].sort(),
    );
    expect(found.dynamic).toEqual(['permit.ask.${at}']);
    expect(missingKeys(found.keys)).toEqual(['id: does.not.exist', 'en: does.not.exist']);
  });

  it('the scan covers the conversation core and the channel renderers', () => {
    const scannedFiles = scanned.filter((s) => s.keys.length > 0).map((s) => s.file);
    expect(scannedFiles).toEqual(
      expect.arrayContaining([
        'core/conversation/step.ts',
        'core/conversation/flows/pbbFlow.ts',
        'core/conversation/flows/menuFlow.ts',
      ]),
    );
    const keys = new Set(scanned.flatMap((s) => s.keys));
    for (const known of [
      'menu.option.pbb',
      'pbb.header',
      'session.expired',
      'nav.cancelled',
      'menu.welcome',
      'sms.replyWord',
    ]) {
      expect(keys).toContain(known);
    }
  });

  it('every literal key is in id and en', () => {
    const missing = scanned.flatMap((s) => missingKeys(s.keys).map((m) => `${s.file}: ${m}`));
    expect(missing).toEqual([]);
  });

  it('every dynamic key (`prefix.${x}`) matches some key in id and en', () => {
    const unmatched = scanned.flatMap((s) =>
      s.dynamic
        .filter((template) => {
          const pattern = new RegExp(
            `^${template
              .split(/\$\{[^}]*\}/)
              .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
              .join('.+')}$`,
          );
          return LANGS.some((l) => ![...locales[l].keys()].some((k) => pattern.test(k)));
        })
        .map((template) => `${s.file}: ${template}`),
    );
    expect(unmatched).toEqual([]);
  });

  it('every $t(...) nesting with {{params}} in a text has targets in the same language', () => {
    const nestings = LANGS.flatMap((l) =>
      [...locales[l]].flatMap(([key, text]) =>
        [...text.matchAll(/\$t\(([\w.{}]+)\)/g)]
          .map((m) => m[1] ?? '')
          .filter((target) => target.includes('{{'))
          .map((target) => ({ lang: l, key, target })),
      ),
    );
    expect(nestings.map((n) => `${n.lang}: ${n.key}`)).toEqual(
      expect.arrayContaining(['id: track.status', 'en: track.status', 'id: track.event', 'en: track.mine.item']),
    );
    for (const n of nestings) {
      const pattern = new RegExp(`^${n.target.replace(/\./g, '\\.').replace(/\{\{\w+\}\}/g, '[^.]+')}$`);
      expect(
        [...locales[n.lang].keys()].filter((k) => pattern.test(k)),
        `${n.lang}: ${n.key}`,
      ).not.toEqual([]);
    }
  });

  it('every status of both lifecycles has a label in both languages', () => {
    const statuses = [
      ...PERMIT_STATUSES.map((s) => `status.permit.${s}`),
      ...COMPLAINT_STATUSES.map((s) => `status.complaint.${s}`),
    ];
    expect(missingKeys(statuses)).toEqual([]);
  });

  it('the keys dynamic lines are built into exist', () => {
    const type = defaultCity.permitTypes[0];
    if (!type) throw new Error('the default city has no permit types');
    const steps = formSteps({ ...type, fields: [] }, { ...ctx, channel: { media: true } }).filter(
      (s) => s !== 'documents',
    );
    const expansions = [
      // permitFlow.askStep: line(`permit.ask.${at}`) for the form's fixed steps.
      ...steps.map((s) => `permit.ask.${s}`),
      // permitFlow.showEditChoices: option(..., `permit.fieldName.${s}`).
      ...steps.map((s) => `permit.fieldName.${s}`),
      // permitFlow.onFormText: `permit.invalid.nik${Reason}` for NikCheck reasons other than length.
      ...['Region', 'BirthDate', 'Serial'].map((r) => `permit.invalid.nik${r}`),
      // trackFlow.durationLine: `${key}.days` / `${key}.hours` for track.left and track.overdue.
      ...['track.left', 'track.overdue'].flatMap((k) => [`${k}.days`, `${k}.hours`]),
    ];
    expect(steps).toEqual(['name', 'nik', 'phone', 'email']);
    expect(missingKeys(expansions)).toEqual([]);
  });
});

describe('rendered replies have no leftover placeholders or raw keys', () => {
  const message = (text: string, choice?: string): StepEvent => ({ type: 'message', text, choice, media: [] });
  const namespaces = Object.keys(raw.id);
  const rawKey = new RegExp(`\\b(?:${namespaces.join('|')})\\.[a-zA-Z]`);

  /** The replies of the menu, of each of its choices and of each choice those offer, plus PBB answers. */
  function repliesFor(lang: Lang): Reply[] {
    const replies: Reply[] = [];
    const run = (state: ConversationState, event: StepEvent) => {
      const result = step(state, event, ctx);
      replies.push(...result.replies);
      return result.state;
    };
    const menu = run(initialState(lang), message('', undefined));
    run(initialState(lang), { type: 'message', text: '/start', start: true, media: [] });
    for (const first of menu.options) {
      const next = run(menu, message('', first));
      for (const second of next.options) run(next, message('', second));
    }
    for (const text of ['apa kabar', '9', 'batal', 'bantuan', 'pengaduan', '12.75.040.003.009-1555'])
      run(menu, message(text));
    const askNop = run(menu, message('pbb'));
    run(askNop, message('12345'));
    run(askNop, message('tidak tahu'));
    run(askNop, message('batal'));
    run({ ...askNop, lastActivityAt: '2026-11-27T00:00:00.000Z' }, message('3'));
    const lookingUp: ConversationState = { ...askNop, flow: { name: 'pbb.lookingUp', nop: '127504000300915550' } };
    run(lookingUp, { type: 'pbb.result', nop: '127504000300915550', taxObject: null });
    run(lookingUp, {
      type: 'pbb.result',
      nop: '127504000300915550',
      taxObject: {
        nop: '127504000300915550',
        taxpayerName: 'DARMA HUTAGALUNG',
        address: 'Jl. Kenanga No. 7',
        bills: [
          { year: 2023, amountDue: 600000, dueDate: '2023-08-31', paidAt: '2023-08-20' },
          { year: 2024, amountDue: 636115, dueDate: '2024-08-31', paidAt: null },
          { year: 2026, amountDue: 700000, dueDate: '2026-11-28', paidAt: null },
        ],
      },
    });
    run(lookingUp, {
      type: 'pbb.result',
      nop: '127504000300915550',
      taxObject: {
        nop: '127504000300915550',
        taxpayerName: 'I GUSTI AYU',
        address: 'Jl. Kenanga No. 7',
        bills: [{ year: 2026, amountDue: 1250000, dueDate: '2026-08-31', paidAt: '2026-08-01' }],
      },
    });
    return replies;
  }

  it.each(LANGS)('in %s', async (lang) => {
    const translator = await createTranslator();
    const replies = repliesFor(lang);
    expect(replies.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const reply of replies) {
      const labelled = [...reply.lines, ...(reply.options ?? []).map((o) => o.label)];
      for (const l of labelled) {
        const text = translator.t(lang, l);
        if (text === l.key || text.includes('{{') || text.includes('$t(') || rawKey.test(text)) {
          problems.push(`${l.key} -> ${text}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(LANGS)('a problem of no clear category is asked its category in %s, every category named', async (lang) => {
    const translator = await createTranslator();
    const opened = step({ ...initialState(lang), options: [] }, message('pengaduan'), ctx);
    expect(opened.replies[0]?.lines.map((l) => l.key)).toEqual(['complaint.ask.description']);
    const { replies } = step(opened.state, message('pelayanan di kantor kelurahan sangat lambat'), ctx);
    const reply = replies[0];
    expect(reply?.lines.map((l) => l.key)).toEqual(['complaint.ask.categoryFor']);
    const labels = (reply?.options ?? []).map((o) => translator.t(lang, o.label));
    expect(labels).toEqual(defaultCity.complaintCategories.map((c) => c.name[lang]));
  });

  it('the check would catch an unresolved placeholder', async () => {
    const translator = await createTranslator();
    // A missing parameter stays as {{...}}; a missing key comes back as the key.
    expect(translator.t('id', { key: 'pbb.wrongLength' })).toContain('{{digits}}');
    expect(translator.t('id', { key: 'does.not.exist' })).toBe('does.not.exist');
    expect(rawKey.test(translator.t('id', { key: 'menu.option.nothing' }))).toBe(true);
  });
});
