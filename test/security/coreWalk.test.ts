import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSms } from '../../bots/sms/renderSms.js';
import { initialState, restoreState } from '../../core/conversation/initialState.js';
import { step } from '../../core/conversation/step.js';
import type {
  ConversationState,
  Effect,
  InboundEvent,
  Reply,
  StepContext,
  StepEvent,
} from '../../core/conversation/types.js';
import { createTranslator, type Translator } from '../../core/i18n/createTranslator.js';
import { storableEvent } from '../../core/inbox/storableEvent.js';
import { defaultCity, defaultWords } from '../support/testDatabase.js';

/**
 * A property-based walk over the pure core, as the executor runs it: any sequence of messages
 * (words residents use, numbers, button presses, and hostile text: NUL, lone surrogates, 2,000
 * characters, emoji only), each made storable at the edge and stepped with its queries answered.
 * After every message the state is valid and survives a JSON round trip as PostgreSQL would
 * store it, and the citizen got an answer whose every line has its text in their language.
 */
const MAX_CHARS = 1000;
const FLOWS = new Set([
  'menu',
  'language',
  'pbb.askNop',
  'pbb.lookingUp',
  'pbb.result',
  'permit.browse',
  'permit.detail',
  'permit.form',
  'permit.confirm',
  'permit.edit',
  'permit.submitting',
  'complaint.form',
  'complaint.confirm',
  'complaint.edit',
  'complaint.submitting',
  'complaint.duplicate',
  'complaint.adding',
  'complaint.rating',
  'complaint.ratingComment',
  'track.ask',
  'track.result',
  'track.lookingUp',
]);

// Words from the conversation's own world: menus, flows and what residents type.
const WORDS = [
  'menu',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '9',
  'ya',
  'tidak',
  'batal',
  'kirim',
  'lanjut',
  'lewati',
  'ubah',
  'izin',
  'aduan',
  'pbb',
  'cek',
  'bantuan',
  'english',
  'bahasa',
  'makasih',
  'ok',
  'siup',
  'praktik bidan',
  'lampu jalan mati depan masjid',
  'jalan rusak di gang mawar',
  'sampah numpuk',
  'ADUAN banjir jl kenanga',
  '12.75.040.003.009-1555.0',
  '127504000300915550',
  'cek pbb 127504000300915550',
  '3171014501900001',
  'Budi Santoso',
  'budi@example.org',
  '081234567890',
  'P48271633',
  'cek C12345678',
  'NILAI C12345678 5',
  'STOP',
  'MULAI',
  '/start',
  '/antrian',
  '👍',
  '🙏🙏🙏',
];
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('\u0000', 'menu\u0000', '\ud83d', 'a\udc00b', '\u0000\u0000\u0000'),
  fc.integer({ min: 1, max: 2000 }).map((n) => '🚧'.repeat(n)),
  fc.integer({ min: 1000, max: 2000 }).map((n) => `lampu mati ${'x'.repeat(n)}\ud83d`),
  fc.stringMatching(/^[0-9 .-]{1,30}$/),
  // Text whose cut at a flow's limit (a search echoed back, a tracking number quoted) falls inside an emoji.
  fc
    .tuple(fc.integer({ min: 10, max: 60 }), fc.constantFrom('😀', '🚧', '👋🏽', '🇮🇩'))
    .map(([n, emoji]) => `${'a'.repeat(n)}${emoji}`),
  fc.integer({ min: 10, max: 30 }).map((n) => `P${'x'.repeat(n)}😀`),
  // Bad characters inside words a flow keeps (a complaint's description, a name on a form).
  fc
    .tuple(
      fc.constantFrom(...WORDS),
      fc.constantFrom('\u0000', '\ud83d', '\udc00', '\u0007'),
      fc.constantFrom(...WORDS),
    )
    .map((parts) => parts.join(' ')),
);
const textArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...WORDS) }, { weight: 3, arbitrary: hostile });

interface Move {
  text: string;
  /** Press the n-th offered button instead of (or with) the text. */
  press: number | null;
  location: boolean;
  photo: boolean;
  /** Minutes since the message before, to cross the idle timeout sometimes. */
  minutes: number;
}
const moveArb: fc.Arbitrary<Move> = fc.record({
  text: textArb,
  press: fc.option(fc.nat(12), { freq: 3 }),
  location: fc.nat(4).map((n) => n === 0),
  photo: fc.nat(4).map((n) => n === 0),
  minutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 25, max: 5000 })),
});

const move = (text: string): Move => ({ text, press: null, location: false, photo: false, minutes: 0 });

/** What the executor would answer for an effect; the writes need no answer. */
function answer(effect: Effect, n: number): StepEvent | null {
  switch (effect.type) {
    case 'query.pbb':
      return {
        type: 'pbb.result',
        nop: effect.nop,
        taxObject:
          n % 2 === 0
            ? null
            : {
                nop: effect.nop,
                taxpayerName: 'BUDI',
                address: 'Jl. Kenanga 1',
                bills: [{ year: 2026, amountDue: 150000, dueDate: '2026-09-30', paidAt: null }],
              },
      };
    case 'query.case':
      return { type: 'case.result', trackingNumber: effect.trackingNumber, view: null };
    case 'query.myCases':
      return { type: 'cases.mine', cases: [] };
    case 'permit.submit':
      return n % 3 === 0
        ? { type: 'permit.refused', reason: 'type_not_online' }
        : { type: 'permit.submitted', trackingNumber: 'P48271633', deadlineAt: '2026-12-20T09:00:00.000Z' };
    case 'complaint.submit':
      return n % 4 === 0
        ? { type: 'complaint.duplicateFound', trackingNumber: 'C12345678' }
        : {
            type: 'complaint.submitted',
            trackingNumber: 'C12345678',
            deadlineAt: '2026-12-10T09:00:00.000Z',
            department: 'Dinas Perhubungan',
          };
    case 'complaint.addInfo':
      return { type: 'complaint.added', trackingNumber: effect.trackingNumber };
    case 'complaint.rate':
      return { type: 'complaint.rated', trackingNumber: effect.trackingNumber, reopened: false };
    case 'case.citizenReply':
      return { type: 'case.citizenReplied', trackingNumber: effect.trackingNumber, forwarded: false };
    default:
      return null;
  }
}

/** Whether PostgreSQL's text takes a string: no NUL, no lone surrogate. */
const storable = (s: string) => !s.includes('\u0000') && Buffer.from(s, 'utf8').toString('utf8') === s;
/**
 * Whether PostgreSQL's jsonb takes a JSON text: JSON.stringify writes a NUL as `\u0000` and a lone
 * surrogate as `\ud83d`, escapes jsonb refuses.
 */
const jsonbSafe = (json: string) =>
  storable(json) &&
  !/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(json);

describe('a property-based walk over the conversation core', () => {
  let translator: Translator;
  beforeAll(async () => {
    translator = await createTranslator();
  });

  /** Checks every reply line has its text in the language and renders as SMS. */
  function checkReplies(replies: Reply[], state: ConversationState) {
    for (const reply of replies) {
      for (const line of [...reply.lines, ...(reply.options ?? []).map((o) => o.label)]) {
        const text = translator.t(state.lang, line);
        expect(text, `text for ${line.key}`).not.toBe(line.key);
        expect(text).not.toContain('{{');
      }
      const parts = renderSms(translator.render(state.lang, reply), { replyWord: 'Balas', maxParts: 4 });
      for (const part of parts) expect(storable(part)).toBe(true);
    }
  }

  it('keeps the state valid and JSON-safe and always answers, whatever is sent', () => {
    let messages = 0;
    fc.assert(
      fc.property(fc.array(moveArb, { minLength: 1, maxLength: 14 }), fc.boolean(), (moves, compact) => {
        let now = new Date('2026-12-02T02:00:00.000Z').getTime();
        let state = initialState('id');
        let n = 0;
        for (const move of moves) {
          now += move.minutes * 60_000;
          const ctx: StepContext = {
            now: new Date(now),
            city: defaultCity,
            idleTimeoutMs: 30 * 60_000,
            draftRetentionMs: 72 * 3_600_000,
            channel: { media: !compact, compact },
            citizenPhone: '6281234567890',
            words: defaultWords,
          };
          const raw: InboundEvent = {
            channel: compact ? 'sms' : 'telegram',
            address: '6281234567890',
            externalId: `walk-${n}`,
            receivedAt: new Date(now),
            text: move.text,
            choice: move.press === null ? undefined : state.options[move.press % Math.max(1, state.options.length)],
            location: move.location ? { latitude: 3.59, longitude: 98.67 } : undefined,
            media: move.photo ? [{ mimeType: 'image/jpeg', url: 'sha256:ab' }] : [],
          };
          const event = storableEvent(raw, MAX_CHARS);
          let next: StepEvent | null = {
            type: 'message',
            text: event.text ?? '',
            choice: event.choice,
            location: event.location,
            media: event.media ?? [],
          };
          const replies: Reply[] = [];
          for (let i = 0; next && i < 5; i++) {
            const result = step(state, next, ctx);
            state = result.state;
            replies.push(...result.replies);
            next = null;
            for (const effect of result.effects) next = answer(effect, ++n) ?? next;
          }
          messages++;
          // Always answered, in words of the citizen's language.
          expect(replies.length).toBeGreaterThan(0);
          checkReplies(replies, state);
          // The replies are stored as jsonb in the outbox too: no half character in what they quote.
          expect(jsonbSafe(JSON.stringify(replies)), JSON.stringify(replies).slice(0, 200)).toBe(true);
          // Valid, and what PostgreSQL stores and gives back is the same state.
          const stored = JSON.stringify(state);
          expect(jsonbSafe(stored), stored.slice(0, 200)).toBe(true);
          const back = restoreState(JSON.parse(stored), 'id');
          expect(back).toEqual(state);
          expect(['id', 'en']).toContain(state.lang);
          expect(FLOWS.has(state.flow.name), `flow ${state.flow.name}`).toBe(true);
          expect(state.options.every((o) => typeof o === 'string')).toBe(true);
          expect(JSON.stringify(replies).length).toBeLessThan(40_000);
          state = back;
        }
      }),
      {
        numRuns: 400,
        // Walks found by attacking the running app, kept so they are tried on every run: a search
        // echoed back and a tracking number quoted, each cut inside an emoji.
        examples: [
          [[move('menu'), move('1'), move(`${'a'.repeat(39)}😀`)], true],
          [[move('menu'), move('4'), move(`P${'x'.repeat(18)}😀`)], false],
        ],
      },
    );
    expect(messages).toBeGreaterThan(1500);
  });
});
