import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCity, defaultWords } from '../../../test/support/testDatabase.js';
import { initialState } from '../initialState.js';
import { step } from '../step.js';
import type { ConversationState, StepContext } from '../types.js';
import { matchOption } from './matchOption.js';
import { readComplaint } from './readComplaint.js';
import { readMessage } from './readMessage.js';
import { searchPermits } from './searchPermits.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'understanding.cases.json'), 'utf8')) as {
  permits: Array<{ query: string; found: string[] }>;
  complaints: Array<{ text: string; category: string | null; place: string | null; isProblem: boolean }>;
  options: Array<{ after: string[]; text: string; picks: string | null }>;
};

const sms: StepContext = {
  now: new Date('2026-11-28T03:00:00Z'),
  city: defaultCity,
  idleTimeoutMs: 30 * 60_000,
  draftRetentionMs: 72 * 3_600_000,
  channel: { media: false, compact: true },
  citizenPhone: '6281234567890',
  words: defaultWords,
};

function after(messages: string[]): ConversationState {
  let state = initialState('id');
  for (const text of messages) state = step(state, { type: 'message', text, media: [] }, sms).state;
  return state;
}

describe('permit search on whole words, with the catalogue keywords', () => {
  it.each(fixture.permits)('"$query" finds $found', ({ query, found }) => {
    expect(searchPermits(defaultCity.permitTypes, query, defaultWords).found.map((t) => t.code)).toEqual(found);
  });

  it('every keyword of the catalogue finds its permit type among the first', () => {
    const lost = defaultCity.permitTypes.flatMap((type) =>
      type.keywords
        .filter((k) => !searchPermits(defaultCity.permitTypes, `izin ${k}`, defaultWords).found.includes(type))
        .map((k) => `${type.code}: ${k}`),
    );
    expect(lost).toEqual([]);
  });
});

describe('a complaint told in plain words', () => {
  it.each(fixture.complaints)('"$text": $category at $place', ({ text, category, place, isProblem }) => {
    const read = readComplaint(text, defaultCity, defaultWords);
    expect({ category: read.category, place: read.place, isProblem: read.isProblem }).toEqual({
      category,
      place,
      isProblem,
    });
  });

  it('every keyword of every category names that category', () => {
    const wrong = defaultCity.complaintCategories.flatMap((c) =>
      c.keywords
        .filter((k) => readComplaint(k, defaultCity, defaultWords).category !== c.code)
        .map((k) => `${c.code}: ${k}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('options picked by their words', () => {
  it.each(fixture.options)('"$text" after $after picks $picks', ({ after: messages, text, picks }) => {
    const state = after(messages);
    const labels = state.optionLabels ?? [];
    const offered = state.options.map((id, i) => ({ id, label: labels[i] }));
    expect(offered.length).toBeGreaterThan(0);
    expect(matchOption(readMessage(text, defaultWords), offered, defaultCity, defaultWords)).toBe(picks);
  });

  it("every yes-word at a permit's summary sends it; every no-word asks what to change", () => {
    const summary = after([
      'izin',
      '1',
      '1',
      'Budi Santoso',
      '1275014501900007',
      'lewati',
      'Toko Maju',
      'Jl. Kenanga 5',
    ]);
    expect(summary.flow.name).toBe('permit.confirm');
    for (const [list, flow] of [
      [defaultWords.yes, 'permit.submitting'],
      [defaultWords.no, 'permit.edit'],
    ] as const) {
      const wrong = list
        .map((p) => p.join(' '))
        .filter((text) => step(summary, { type: 'message', text, media: [] }, sms).state.flow.name !== flow);
      expect(wrong, flow).toEqual([]);
    }
  });

  it('every skip-word at the email question skips it', () => {
    const email = after(['izin', '1', '1', 'Budi Santoso', '1275014501900007']);
    expect(email.flow).toMatchObject({ name: 'permit.form', at: 'email' });
    const wrong = defaultWords.skip
      .map((p) => p.join(' '))
      .filter((text) => {
        const next = step(email, { type: 'message', text, media: [] }, sms).state.flow;
        return next.name !== 'permit.form' || next.draft.values.email !== '';
      });
    expect(wrong).toEqual([]);
  });

  it('every done-word at the photos question goes on without photos', () => {
    const media = { ...sms, channel: { media: true } };
    let state = initialState('id');
    for (const text of ['aduan', 'Lampu jalan mati sudah seminggu', 'Jl. Kenanga depan masjid'])
      state = step(state, { type: 'message', text, media: [] }, media).state;
    expect(state.flow).toMatchObject({ name: 'complaint.form', at: 'photos' });
    const wrong = defaultWords.done
      .map((p) => p.join(' '))
      .filter(
        (text) => step(state, { type: 'message', text, media: [] }, media).state.flow.name !== 'complaint.confirm',
      );
    expect(wrong).toEqual([]);
  });
});
