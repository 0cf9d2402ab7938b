import { beforeAll, describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from '../bots/sms/gsm7.js';
import { createTranslator, type Translator } from '../core/i18n/createTranslator.js';
import { defaultCity, defaultWords } from './support/testDatabase.js';
import { initialState } from '../core/conversation/initialState.js';
import { step } from '../core/conversation/step.js';
import type {
  ConversationState,
  Effect,
  Lang,
  StepContext,
  StepEvent,
  StepResult,
} from '../core/conversation/types.js';

// The personal-data dialogue (UU PDP) through the pure core: what each request says and asks
// the executor for. The executors are tested through the inbound path in test/privacy*.test.ts.

const ctx: StepContext = {
  now: new Date('2026-12-02T03:00:00Z'),
  city: defaultCity,
  idleTimeoutMs: 30 * 60_000,
  draftRetentionMs: 72 * 3_600_000,
  channel: { media: true },
  citizenPhone: null,
  words: defaultWords,
};
const sms: StepContext = { ...ctx, channel: { media: false, compact: true } };
let translator: Translator;
beforeAll(async () => {
  translator = await createTranslator();
});
const t = (lang: Lang, key: string, params?: Record<string, string | number>) =>
  translator.t(lang, params ? { key, params } : { key });

const say = (state: ConversationState, text: string, c = ctx): StepResult =>
  step(state, { type: 'message', text, media: [] }, c);
const press = (state: ConversationState, choice: string): StepResult =>
  step(state, { type: 'message', text: '', choice, media: [] }, ctx);
const keys = (r: StepResult) => r.replies.flatMap((x) => x.lines.map((l) => l.key));
const rendered = (r: StepResult, lang: Lang) =>
  r.replies.map((x) => x.lines.map((l) => t(lang, l.key, l.params)).join('\n'));
const menu = (lang: Lang = 'id'): ConversationState => ({
  ...initialState(lang),
  lastActivityAt: '2026-12-02T02:59:00Z',
});

describe('the first-contact notice', () => {
  it.each(['id', 'en'] as const)('goes once, after the answer, in one GSM-7 SMS segment (%s)', (lang) => {
    const first = say(initialState(lang), 'halo', { ...sms, privacyNoticeDue: true });
    const notice = first.replies.at(-1)!;
    expect(notice.lines.map((l) => l.key)).toEqual(['privacy.notice']);
    expect(first.replies.length).toBeGreaterThan(1);
    expect(first.effects).toContainEqual({ type: 'privacy.noticeShown' });
    const text = t(lang, 'privacy.notice', notice.lines[0]!.params);
    expect(text).toContain(defaultCity.privacy.controller.name);
    expect(isGsm7(text)).toBe(true);
    expect(countSegments(text).segments).toBe(1);
    // The options the answer offered stay what a typed number means.
    expect(first.state.options.length).toBeGreaterThan(0);
    const later = say(first.state, 'halo', sms);
    expect(keys(later)).not.toContain('privacy.notice');
  });
});

describe('the notice and STOP', () => {
  it("is not added to a first STOP's confirmation, and goes with the next answer instead", () => {
    const stop = step(
      initialState('id'),
      { type: 'message', text: 'STOP', control: 'optOut', media: [] },
      {
        ...sms,
        privacyNoticeDue: true,
      },
    );
    expect(keys(stop)).toEqual(['sms.optedOut']);
    expect(stop.effects).not.toContainEqual({ type: 'privacy.noticeShown' });
  });
});

describe('PRIVASI', () => {
  it('names the controller and its officer, the legal basis, purposes, periods, rights and where to read more', () => {
    const r = say(menu(), 'PRIVASI');
    const text = rendered(r, 'id').join('\n');
    const p = defaultCity.privacy;
    for (const part of [p.controller.name, p.controller.email!, p.officer!.name, p.officer!.email!, p.noticeUrl!])
      expect(text).toContain(part);
    expect(text).toMatch(/UU 27\/2022/);
    expect(text).toContain(`${p.retention.nikDaysAfterClose} hari`);
    for (const keyword of ['DATA SAYA', 'UBAH DATA', 'HAPUS DATA SAYA', 'BERHENTI EMAIL', '3x24'])
      expect(text).toContain(keyword);
    expect(r.effects).toEqual([]);
  });

  it('is shorter by SMS and still names every right and the controller', () => {
    const full = rendered(say(menu(), 'privasi'), 'id').join('\n');
    const short = rendered(say(menu(), 'privasi', sms), 'id').join('\n');
    expect(short.length).toBeLessThan(full.length * 0.6);
    // Whole within the 3 SMS parts a reply may take (SMS_MAX_PARTS), nothing cut.
    for (const lang of ['id', 'en'] as const) {
      const text = rendered(say(menu(lang), 'privasi', sms), lang).join('\n');
      expect(isGsm7(text)).toBe(true);
      expect(countSegments(text).segments, text).toBeLessThanOrEqual(3);
    }
    for (const part of [
      defaultCity.privacy.controller.name,
      'DATA SAYA',
      'UBAH DATA',
      'HAPUS DATA SAYA',
      'BERHENTI EMAIL',
    ])
      expect(short).toContain(part);
  });

  it('answers in English as "privacy" from the middle of a permit form', () => {
    const inForm: ConversationState = {
      ...menu('en'),
      flow: { name: 'permit.form', draft: { code: 'SIUP', values: {}, documents: 0 }, at: 'name', editing: false },
    };
    expect(keys(say(inForm, 'privacy'))).toContain('privacy.full.rights');
  });
});

describe('DATA SAYA', () => {
  it.each([
    ['DATA SAYA', null],
    ['data sy', null],
    ['data gw', null],
    ['my data', null],
    ['data saya P48271633', 'p48271633'],
    ['DATA SAYA 3171010501900001', '3171010501900001'],
  ])('%s asks the executor for the data (about %s), not a tracking lookup', (text, about) => {
    const r = say(menu(), text);
    expect(r.effects).toEqual([{ type: 'query.myData', about }]);
  });

  it('shows the summary with the link and its expiry in city time', () => {
    const summary = {
      identities: [{ channel: 'sms' as const, address: '62812****890' }],
      name: 'Siti Aminah',
      phone: '62812****890',
      email: 's***@contoh.id',
      emailNotices: true,
      openCases: [
        {
          kind: 'permit' as const,
          trackingNumber: 'P48271633',
          title: { id: 'SIUP', en: 'Trade licence' },
          status: 'submitted',
        },
      ],
      closedCases: 2,
      link: { url: 'https://layanan.example/data-saya/abc', expiresAt: '2026-12-05T03:00:00.000Z' },
    };
    const r = step(menu(), { type: 'privacy.myData', summary }, ctx);
    const text = rendered(r, 'id').join('\n');
    for (const part of ['62812****890', 's***@contoh.id', 'P48271633', 'https://layanan.example/data-saya/abc', 'WIB'])
      expect(text).toContain(part);
    expect(text).toMatch(/selesai: 2/);
  });

  it.each(['notYours', 'unknown'] as const)('refuses (%s) with what to do instead, and gives no link', (refused) => {
    const r = step(menu(), { type: 'privacy.myData', summary: null, refused }, ctx);
    expect(keys(r)).toEqual([`privacy.myData.refused.${refused}`]);
    expect(rendered(r, 'id').join('')).not.toContain('http');
  });
});

describe('UBAH DATA', () => {
  it('asks which field, then the value, checks it and asks the executor to write it', () => {
    const asked = say(menu(), 'ubah data');
    expect(asked.state.flow).toEqual({ name: 'privacy.correct' });
    const byWord = say(asked.state, 'email');
    expect(byWord.state.flow).toEqual({ name: 'privacy.correct', field: 'email' });
    const bad = say(byWord.state, 'siti at contoh');
    expect(keys(bad)).toEqual(['privacy.invalid.email', 'privacy.correct.askValue.email']);
    expect(bad.effects).toEqual([]);
    const good = say(bad.state, 'Siti@Contoh.ID');
    expect(good.effects).toEqual([{ type: 'privacy.correct', field: 'email', value: 'siti@contoh.id' }]);
    const done = step(good.state, { type: 'privacy.corrected', field: 'email', cases: 1 }, ctx);
    expect(keys(done)).toEqual(['privacy.corrected.email', 'privacy.corrected.cases']);
    expect(done.state.flow).toEqual({ name: 'menu' });
  });

  it.each([
    ['phone', '0812-3456-7890', '6281234567890'],
    ['name', '  Siti   Aminah ', 'Siti Aminah'],
  ] as const)('stores a %s as the permit form does', (field, typed, stored) => {
    const r = say({ ...menu(), flow: { name: 'privacy.correct', field } }, typed);
    expect(r.effects).toEqual([{ type: 'privacy.correct', field, value: stored }]);
  });

  it('refuses a phone that is not one, and BATAL leaves without writing', () => {
    const at: ConversationState = { ...menu(), flow: { name: 'privacy.correct', field: 'phone' } };
    expect(keys(say(at, '12ab'))[0]).toBe('privacy.invalid.phone');
    const left = say(at, 'batal');
    expect(left.effects).toEqual([]);
    expect(left.state.flow).toEqual({ name: 'menu' });
  });
});

describe('HAPUS DATA SAYA', () => {
  const asked = (openCases: string[]) =>
    step(say(menu(), 'hapus data sy').state, { type: 'privacy.openCases', trackingNumbers: openCases }, ctx);

  it('asks the executor for open cases first, then explains and asks to confirm', () => {
    expect(say(menu(), 'HAPUS DATA SAYA').effects).toEqual([{ type: 'query.openCases' }]);
    const none = asked([]);
    expect(none.replies[0]!.options!.map((o) => o.id)).toEqual(['privacy.erase.yes', 'nav.menu']);
    const some = asked(['P48271633']);
    expect(some.replies[0]!.options!.map((o) => o.id)).toEqual([
      'privacy.erase.close',
      'privacy.erase.keep',
      'nav.menu',
    ]);
    expect(rendered(some, 'id').join('')).toContain('P48271633');
  });

  it('erases only on an offered answer: an unclear one asks again, BATAL leaves', () => {
    const some = asked(['P48271633']);
    const unclear = say(some.state, 'ya');
    expect(unclear.effects).toEqual([]);
    expect(keys(unclear)[0]).toBe('privacy.erase.pickOne');
    expect(say(some.state, 'batal').effects).toEqual([]);
    expect(press(some.state, 'privacy.erase.keep').effects).toEqual([{ type: 'privacy.erase', openCases: 'keep' }]);
    expect(say(some.state, '1').effects).toEqual([{ type: 'privacy.erase', openCases: 'close' }]);
    expect(say(asked([]).state, 'ya').effects).toEqual([{ type: 'privacy.erase', openCases: 'close' }]);
  });

  it('a button of an old question asks again rather than erasing', () => {
    expect(press(menu(), 'privacy.erase.yes').effects).toEqual([{ type: 'query.openCases' }]);
  });

  it('after the erasure the conversation starts afresh', () => {
    const withDraft: ConversationState = {
      ...asked([]).state,
      parked: { complaint: { draft: { photos: [], description: 'lampu mati' }, at: '2026-12-02T02:00:00Z' } },
    };
    const done = step(withDraft, { type: 'privacy.erased', closedCases: [], keptCases: ['A1'] }, ctx);
    expect(done.state).toMatchObject({ flow: { name: 'menu' }, lastActivityAt: null, options: [] });
    expect(done.state.parked ?? null).toBeNull();
    expect(keys(done)).toEqual(['privacy.erased']);
  });
});

describe('BERHENTI EMAIL', () => {
  it.each(['BERHENTI EMAIL', 'stop email', 'stop emails'])('%s withdraws consent to email notices', (text) => {
    const r = say(menu(), text);
    expect(r.effects).toEqual<Effect[]>([{ type: 'privacy.emailNotices', on: false }]);
    expect(keys(r)).toEqual(['privacy.emailOff']);
  });

  it('"tanpa email" at the permit form still skips the email', () => {
    const at: ConversationState = {
      ...menu(),
      flow: {
        name: 'permit.form',
        draft: { code: 'SIUP', values: { name: 'Siti', nik: '1', phone: '6281' }, documents: 0 },
        at: 'email',
        editing: false,
      },
    };
    const event: StepEvent = { type: 'message', text: 'tanpa email', media: [] };
    expect(step(at, event, ctx).effects.some((e) => e.type === 'privacy.emailNotices')).toBe(false);
  });
});
