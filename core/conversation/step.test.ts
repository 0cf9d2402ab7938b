import fs, { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { builtinModules, syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCity, defaultWords } from '../../test/support/testDatabase.js';
import { initialState } from './initialState.js';
import { step } from './step.js';
import type { ConversationState, Effect, Flow, Line, StepContext, StepEvent, StepResult } from './types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const ctx: StepContext = {
  now: new Date('2026-11-28T03:00:00Z'),
  city: defaultCity,
  idleTimeoutMs: 30 * 60_000,
  draftRetentionMs: 72 * 3_600_000,
  channel: { media: false },
  citizenPhone: null,
  words: defaultWords,
};

/** A list of option ids, or the name of one of the fixture's `optionSets`. */
type OptionIds = string[] | string;
type CaseState = Omit<ConversationState, 'options'> & { options: OptionIds };

interface StepCase {
  label: string;
  note?: string;
  /** Set when the case states the behaviour we want and the code does not do it yet. */
  knownBug?: string;
  state: CaseState;
  event: StepEvent;
  expected: { state: CaseState; replies: Array<{ lines: Line[]; options?: OptionIds }>; effects: Effect[] };
}

interface ConversationTurn {
  event: StepEvent;
  flow: Flow;
  replies: string[][];
  effects: Effect[];
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, name), 'utf8'));
}

/** From the main menu, where a text leads. */
interface Route {
  text: string;
  flow: Flow['name'];
  effects: Effect[];
  firstLine?: string;
}

const { optionSets, cases, routes } = readFixture<{
  optionSets: Record<string, string[]>;
  cases: StepCase[];
  routes: Route[];
}>('step.cases.json');
const conversation = readFixture<{ turns: ConversationTurn[] }>('step.conversation.json').turns;

function optionIds(ids: OptionIds | undefined): string[] {
  if (ids === undefined) return [];
  if (typeof ids !== 'string') return ids;
  const set = optionSets[ids];
  if (!set) throw new Error(`step.cases.json names unknown option set ${ids}`);
  return set;
}

/** Resolves '$city.office.name' and the like against ctx.city, so the fixture follows the city data. */
function cityValue(value: string | number): string | number {
  if (typeof value !== 'string' || !value.startsWith('$city.')) return value;
  let found: unknown = ctx.city;
  for (const part of value.slice('$city.'.length).split('.')) {
    found = typeof found === 'object' && found !== null ? Reflect.get(found, part) : undefined;
  }
  if (typeof found !== 'string') throw new Error(`step.cases.json names unknown city field ${value}`);
  return found;
}

function stateOf(state: CaseState): ConversationState {
  return { ...state, options: optionIds(state.options) };
}

function expectedOf(c: StepCase) {
  return {
    state: stateOf(c.expected.state),
    replies: c.expected.replies.map((reply) => ({
      lines: reply.lines.map((l) =>
        l.params
          ? { key: l.key, params: Object.fromEntries(Object.entries(l.params).map(([k, v]) => [k, cityValue(v)])) }
          : { key: l.key },
      ),
      options: optionIds(reply.options),
    })),
    effects: c.expected.effects,
  };
}

/**
 * What the table compares: lines with their params, and options by id (labels are checked in
 * locales.test). The state's optionLabels mirror the last reply's options, checked on their own.
 */
function summary(result: StepResult) {
  const state: Partial<ConversationState> = { ...result.state };
  delete state.optionLabels;
  return {
    state,
    replies: result.replies.map((r) => ({ lines: r.lines, options: (r.options ?? []).map((o) => o.id) })),
    effects: result.effects,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const working = cases.filter((c) => !c.knownBug);
const knownBugs = cases.filter((c) => c.knownBug);

describe('step transition table (step.cases.json)', () => {
  it.each(working)('$label', (c) => {
    expect(summary(step(stateOf(c.state), c.event, ctx))).toEqual(expectedOf(c));
  });

  // Each of these states what the citizen should get; the fixture's knownBug says what happens instead.
  it.fails.each(knownBugs)('known bug: $label', (c) => {
    expect(summary(step(stateOf(c.state), c.event, ctx))).toEqual(expectedOf(c));
  });

  const atMenu = stateOf({
    v: 1,
    lang: 'id',
    flow: { name: 'menu' },
    options: 'MENU',
    lastActivityAt: '2026-11-28T02:55:00.000Z',
  });

  it.each(routes)('from the menu, $text leads to $flow', (route) => {
    const { state, replies, effects } = step(atMenu, { type: 'message', text: route.text, media: [] }, ctx);
    expect(state.flow.name).toBe(route.flow);
    expect(effects).toEqual(route.effects);
    if (route.firstLine) expect(replies[0]?.lines[0]?.key).toBe(route.firstLine);
  });

  it('covers every flow as a starting point and every kind of event', () => {
    const flows = new Set(working.map((c) => c.state.flow.name));
    expect([...flows].sort()).toEqual(['language', 'menu', 'pbb.askNop', 'pbb.lookingUp']);
    expect(working.some((c) => c.event.type === 'pbb.result')).toBe(true);
    expect(working.some((c) => c.event.type === 'message' && c.event.start)).toBe(true);
    expect(working.some((c) => c.event.type === 'message' && c.event.choice)).toBe(true);
  });
});

/** Every way a pure function could reach out of its inputs: clock, randomness, timers, network, files. */
const FORBIDDEN: ReadonlyArray<[string, object, readonly string[]]> = [
  ['globalThis', globalThis, ['fetch', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']],
  ['Math', Math, ['random']],
  ['process', process, ['hrtime', 'nextTick']],
  ['performance', performance, ['now']],
  [
    'fs',
    fs,
    [
      'readFileSync',
      'writeFileSync',
      'appendFileSync',
      'existsSync',
      'statSync',
      'readdirSync',
      'openSync',
      'mkdirSync',
      'rmSync',
      'unlinkSync',
      'readFile',
      'writeFile',
      'appendFile',
      'stat',
      'readdir',
      'open',
      'createReadStream',
      'createWriteStream',
    ],
  ],
  [
    'fs.promises',
    fs.promises,
    ['readFile', 'writeFile', 'appendFile', 'stat', 'readdir', 'open', 'mkdir', 'rm', 'unlink'],
  ],
  ['net', net, ['connect', 'createConnection']],
  ['http', http, ['request', 'get']],
  ['https', https, ['request', 'get']],
];

/**
 * Runs `run` with every forbidden function throwing, and `Date` refusing to read the clock
 * (`Date.now()`, `new Date()`, `Date()`), then puts everything back.
 */
function withoutIo<T>(run: () => T): T {
  const restores: Array<() => void> = [];
  const replace = (target: object, name: string, value: unknown) => {
    const own = Object.hasOwn(target, name);
    const original: unknown = Reflect.get(target, name);
    Reflect.set(target, name, value);
    restores.push(() => (own ? Reflect.set(target, name, original) : Reflect.deleteProperty(target, name)));
  };
  try {
    for (const [owner, target, names] of FORBIDDEN) {
      for (const name of names) {
        if (typeof Reflect.get(target, name) !== 'function') throw new Error(`${owner}.${name} is not a function`);
        replace(target, name, () => {
          throw new Error(`step used ${owner}.${name}`);
        });
      }
    }
    const RealDate = Date;
    replace(
      globalThis,
      'Date',
      new Proxy(RealDate, {
        construct(target, args) {
          if (args.length === 0) throw new Error('step read the clock with new Date()');
          return Reflect.construct(target, args);
        },
        apply() {
          throw new Error('step read the clock with Date()');
        },
        get(target, name) {
          if (name === 'now')
            return () => {
              throw new Error('step read the clock with Date.now()');
            };
          return Reflect.get(target, name);
        },
      }),
    );
    // Named ESM imports of builtins (`import { readFileSync } from 'node:fs'`) follow only after this.
    syncBuiltinESMExports();
    return run();
  } finally {
    for (const restore of restores.reverse()) restore();
    syncBuiltinESMExports();
  }
}

describe('step is pure', () => {
  it('the guard itself catches clock, timer, network and file access', () => {
    const attempts: Array<[string, () => unknown]> = [
      ['Date.now', () => Date.now()],
      ['new Date()', () => new Date()],
      ['setTimeout', () => setTimeout(() => undefined, 1)],
      ['fetch', () => fetch('http://127.0.0.1:1/')],
      ['performance.now', () => performance.now()],
      ['process.hrtime', () => process.hrtime()],
      ['fs.readFileSync', () => fs.readFileSync('package.json')],
      ['named readFileSync', () => readFileSync('package.json')],
      ['fs.promises.readFile', () => fs.promises.readFile('package.json')],
    ];
    const caught = withoutIo(() =>
      attempts.map(([name, attempt]) => {
        try {
          attempt();
          return `${name}: not caught`;
        } catch {
          return `${name}: caught`;
        }
      }),
    );
    expect(caught).toEqual(attempts.map(([name]) => `${name}: caught`));
    // And everything works again afterwards.
    expect(typeof Date.now()).toBe('number');
    expect(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).toContain('layankota');
  });

  it.each(cases)('without I/O, twice, on frozen input: $label', (c) => {
    const state = deepFreeze(stateOf(c.state));
    const event = deepFreeze(structuredClone(c.event));
    const before = structuredClone(state);
    // Errors are caught inside and asserted outside, where expect() has its clock back.
    const outcome = withoutIo((): { runs: [StepResult, StepResult] } | { error: string } => {
      try {
        return { runs: [step(state, event, ctx), step(state, event, ctx)] };
      } catch (error) {
        return { error: String(error) };
      }
    });
    if ('error' in outcome) throw new Error(outcome.error);
    const [first, second] = outcome.runs;
    expect(second).toEqual(first);
    expect(first).toEqual(step(stateOf(c.state), c.event, ctx));
    // Not the same objects either: a second call must not hand back anything shared with the first.
    expect(second.replies).not.toBe(first.replies);
    expect(state).toEqual(before);
  });
});

describe('step imports nothing that does I/O', () => {
  interface Import {
    specifier: string;
    /** `import type` / `export type`: erased when compiled, so it loads nothing at run time. */
    typeOnly: boolean;
  }
  const STATIC_IMPORT = /\b(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s*)?['"]([^'"]+)['"]/g;
  const DYNAMIC_IMPORT = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

  function importsOf(source: string): Import[] {
    return [
      ...Array.from(source.matchAll(STATIC_IMPORT), (m) => ({ specifier: m[2] ?? '', typeOnly: m[1] !== undefined })),
      ...Array.from(source.matchAll(DYNAMIC_IMPORT), (m) => ({ specifier: m[1] ?? '', typeOnly: false })),
    ];
  }

  function forbidden(specifier: string, resolved: string | null): boolean {
    if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return true;
    if (specifier.startsWith('@prisma/') || ['pg', 'ioredis', 'bullmq'].includes(specifier)) return true;
    if (resolved === null) return false;
    const relative = path.relative(ROOT, resolved).split(path.sep).join('/');
    return relative.startsWith('core/generated/') || relative.startsWith('core/db/');
  }

  type Edge = Import & { resolved: string | null };

  /**
   * Every module `entry` loads at run time through relative imports, with the imports each makes.
   * Type-only imports are listed (and checked) but not followed: they load nothing.
   */
  function importGraph(entry: string): Map<string, Edge[]> {
    const graph = new Map<string, Edge[]>();
    const pending = [entry];
    while (pending.length > 0) {
      const file = pending.pop() ?? '';
      if (graph.has(file)) continue;
      const edges = importsOf(readFileSync(file, 'utf8')).map((i) => ({
        ...i,
        resolved: i.specifier.startsWith('.')
          ? path.resolve(path.dirname(file), i.specifier.replace(/\.js$/, '.ts'))
          : null,
      }));
      graph.set(file, edges);
      for (const e of edges) if (e.resolved && !e.typeOnly) pending.push(e.resolved);
    }
    return graph;
  }

  it('the import scanner finds static, type-only, side-effect, re-exported and dynamic imports', () => {
    const sample = [
      "import fs from 'node:fs';",
      "import type { X } from './types.js';",
      "import './polyfill.js';",
      "export { y } from '../y.js';",
      "export type { Z } from '../z.js';",
      "import {\n  a,\n  type B,\n} from '@prisma/client';",
      "const pg = await import('pg');",
      'export type Lang = (typeof LANGUAGES)[number];',
      "const text = 'import nothing';",
    ].join('\n');
    expect(importsOf(sample)).toEqual([
      { specifier: 'node:fs', typeOnly: false },
      { specifier: './types.js', typeOnly: true },
      { specifier: './polyfill.js', typeOnly: false },
      { specifier: '../y.js', typeOnly: false },
      { specifier: '../z.js', typeOnly: true },
      { specifier: '@prisma/client', typeOnly: false },
      { specifier: 'pg', typeOnly: false },
    ]);
    expect(
      ['node:fs', 'fs', 'pg', '@prisma/client', 'bullmq', 'ioredis'].filter((s) => forbidden(s, null)),
    ).toHaveLength(6);
    expect(forbidden('../db/openDatabase.js', path.join(ROOT, 'core/db/openDatabase.ts'))).toBe(true);
    expect(forbidden('../generated/prisma/client.js', path.join(ROOT, 'core/generated/prisma/client.ts'))).toBe(true);
    expect(forbidden('zod', null)).toBe(false);
  });

  it('from core/conversation/step.ts no module reaches a builtin, a database or a queue', () => {
    const graph = importGraph(path.join(ROOT, 'core/conversation/step.ts'));
    const files = [...graph.keys()].map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    // The walk really followed the imports down to the domain helpers.
    expect(files).toEqual(
      expect.arrayContaining([
        'core/conversation/step.ts',
        'core/conversation/flows/pbbFlow.ts',
        'core/pbb/computePenalty.ts',
        'core/domain/calendarDate.ts',
      ]),
    );
    const offending = [...graph].flatMap(([file, edges]) =>
      edges
        .filter((e) => forbidden(e.specifier, e.resolved))
        .map((e) => `${path.relative(ROOT, file)} imports ${e.specifier}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('the options on screen are kept with their labels', () => {
  it.each(working)('optionLabels mirror the options of the last reply: $label', (c) => {
    const { state, replies } = step(stateOf(c.state), c.event, ctx);
    const last = replies.at(-1);
    if (!last?.options?.length) return;
    expect(state.options).toEqual(last.options.map((o) => o.id));
    expect(state.optionLabels).toEqual(last.options.map((o) => o.label));
  });
});

describe('state is plain JSON', () => {
  const jsonCopy = (state: ConversationState): ConversationState => JSON.parse(JSON.stringify(state));

  it.each(working)('the next state survives a JSON round trip unchanged: $label', (c) => {
    const { state } = step(stateOf(c.state), c.event, ctx);
    expect(jsonCopy(state)).toStrictEqual(state);
  });

  it('a conversation gives the same results whether the state is kept in memory or stored as JSON between turns', () => {
    let inMemory = initialState('id');
    let stored = JSON.stringify(initialState('id'));
    conversation.forEach((turn, i) => {
      const direct = step(inMemory, turn.event, ctx);
      const reloaded = step(JSON.parse(stored), turn.event, ctx);
      expect(reloaded, `turn ${i + 1}`).toStrictEqual(direct);
      expect(
        {
          flow: direct.state.flow,
          replies: direct.replies.map((r) => r.lines.map((l) => l.key)),
          effects: direct.effects,
        },
        `turn ${i + 1}: ${JSON.stringify(turn.event).slice(0, 60)}`,
      ).toEqual({ flow: turn.flow, replies: turn.replies, effects: turn.effects });
      inMemory = direct.state;
      stored = JSON.stringify(reloaded.state);
    });
    expect(inMemory.lang).toBe('en');
  });
});

describe('a citizen writing to an officer whose case closed meanwhile', () => {
  const thread = { trackingNumber: 'A48271633', officerId: 'o-1' };
  const lineKeys = (r: StepResult) => r.replies.flatMap((reply) => reply.lines.map((l) => l.key));

  it('reads the words again as a message of its own: "halo" is greeted and the thread is over', () => {
    const talking: ConversationState = { ...initialState('id'), thread };
    const asked = step(talking, { type: 'message', text: 'halo', media: [] }, ctx);
    expect(asked.effects).toContainEqual({ type: 'case.citizenReply', ...thread, text: 'halo' });
    const answered = step(
      asked.state,
      { type: 'case.citizenReplied', trackingNumber: thread.trackingNumber, forwarded: false, text: 'halo' },
      ctx,
    );
    expect(lineKeys(answered)).toContain('menu.smallTalk.greeting');
    expect(lineKeys(answered)).not.toContain('menu.notUnderstood');
    expect(answered.state.thread ?? null).toBeNull();
  });

  it('a problem told then is a new complaint, not lost', () => {
    const talking: ConversationState = { ...initialState('id'), thread };
    const text = 'lampu jalan mati lagi di depan sekolah';
    const asked = step(talking, { type: 'message', text, media: [] }, ctx);
    const answered = step(
      asked.state,
      { type: 'case.citizenReplied', trackingNumber: thread.trackingNumber, forwarded: false, text },
      ctx,
    );
    expect(answered.state.flow.name).toMatch(/^complaint\./);
  });
});
