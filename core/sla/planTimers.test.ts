import { describe, expect, it } from 'vitest';
import { parseTimerId, planTimers, timerId, type SlaCase, type SlaRules } from './planTimers.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-23T02:00:00.000Z'); // Mon 23 Nov 2026 09:00 WIB
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const CASE_ID = '0b7c6a52-3f1e-4c55-9f0a-5d2e8c1b7a90';

/** A SIUP-like case: 24 calendar hours from submission at T0. */
const siup = (overrides: Partial<SlaCase> = {}): SlaCase => ({
  kind: 'permit',
  id: CASE_ID,
  startedAt: T0,
  deadlineAt: at(24),
  deadlineVersion: 0,
  ...overrides,
});

const CITY_RULES: SlaRules = { reminderFractions: [0.5, 0.8], escalation: [{ afterHours: 0 }, { afterHours: 24 }] };

/** A timer as the table writes it: kind, index and when it fires, in hours after T0. */
const summary = (timers: ReturnType<typeof planTimers>) =>
  timers.map((t) => ({ kind: t.kind, index: t.index, atHours: (t.fireAt.getTime() - T0.getTime()) / HOUR }));

describe('planTimers', () => {
  it.each<{ label: string; c: SlaCase; rules: SlaRules; nowHours: number; expected: ReturnType<typeof summary> }>([
    {
      label: 'reminders at 50% and 80% of submission -> deadline, then the chain from the deadline',
      c: siup(),
      rules: CITY_RULES,
      nowHours: 0,
      expected: [
        { kind: 'reminder', index: 0, atHours: 12 },
        { kind: 'reminder', index: 1, atHours: 19.2 },
        { kind: 'escalation', index: 0, atHours: 24 },
        { kind: 'escalation', index: 1, atHours: 48 },
      ],
    },
    {
      label: 'escalation levels add up: 0, +24, +48 hours after the deadline',
      c: siup(),
      rules: { reminderFractions: [], escalation: [{ afterHours: 0 }, { afterHours: 24 }, { afterHours: 48 }] },
      nowHours: 0,
      expected: [
        { kind: 'escalation', index: 0, atHours: 24 },
        { kind: 'escalation', index: 1, atHours: 48 },
        { kind: 'escalation', index: 2, atHours: 96 },
      ],
    },
    {
      label: 'a first level with its own grace hours starts after the deadline',
      c: siup(),
      rules: { reminderFractions: [0.5], escalation: [{ afterHours: 2 }, { afterHours: 0.5 }] },
      nowHours: 0,
      expected: [
        { kind: 'reminder', index: 0, atHours: 12 },
        { kind: 'escalation', index: 0, atHours: 26 },
        { kind: 'escalation', index: 1, atHours: 26.5 },
      ],
    },
    {
      label: 'a start that is not the submission hour: the fractions are of the span, from its start',
      c: siup({ startedAt: at(10), deadlineAt: at(20) }),
      rules: CITY_RULES,
      nowHours: 10,
      expected: [
        { kind: 'reminder', index: 0, atHours: 15 },
        { kind: 'reminder', index: 1, atHours: 18 },
        { kind: 'escalation', index: 0, atHours: 20 },
        { kind: 'escalation', index: 1, atHours: 44 },
      ],
    },
    {
      label: 'past the 50% mark but before the deadline: both reminders stay (the first fires at once)',
      c: siup(),
      rules: CITY_RULES,
      nowHours: 13,
      expected: [
        { kind: 'reminder', index: 0, atHours: 12 },
        { kind: 'reminder', index: 1, atHours: 19.2 },
        { kind: 'escalation', index: 0, atHours: 24 },
        { kind: 'escalation', index: 1, atHours: 48 },
      ],
    },
    {
      label: 'a millisecond before the deadline the reminders are still planned',
      c: siup(),
      rules: CITY_RULES,
      nowHours: 24 - 1 / HOUR,
      expected: [
        { kind: 'reminder', index: 0, atHours: 12 },
        { kind: 'reminder', index: 1, atHours: 19.2 },
        { kind: 'escalation', index: 0, atHours: 24 },
        { kind: 'escalation', index: 1, atHours: 48 },
      ],
    },
    {
      label: 'at the deadline the reminders are dropped; the escalations are not',
      c: siup(),
      rules: CITY_RULES,
      nowHours: 24,
      expected: [
        { kind: 'escalation', index: 0, atHours: 24 },
        { kind: 'escalation', index: 1, atHours: 48 },
      ],
    },
    {
      label: 'long after the deadline (the system was down): the whole chain, even levels already due',
      c: siup(),
      rules: CITY_RULES,
      nowHours: 100,
      expected: [
        { kind: 'escalation', index: 0, atHours: 24 },
        { kind: 'escalation', index: 1, atHours: 48 },
      ],
    },
  ])('$label', ({ c, rules, nowHours, expected }) => {
    expect(summary(planTimers(c, rules, at(nowHours)))).toEqual(expected);
  });

  it.each<{ label: string; c: SlaCase; expected: string[] }>([
    {
      label: 'a permit on its first deadline',
      c: siup(),
      expected: [
        `sla.permit.${CASE_ID}.v0.reminder.0`,
        `sla.permit.${CASE_ID}.v0.reminder.1`,
        `sla.permit.${CASE_ID}.v0.escalation.0`,
        `sla.permit.${CASE_ID}.v0.escalation.1`,
      ],
    },
    {
      label: 'a complaint whose deadline moved three times',
      c: siup({ kind: 'complaint', deadlineVersion: 3 }),
      expected: [
        `sla.complaint.${CASE_ID}.v3.reminder.0`,
        `sla.complaint.${CASE_ID}.v3.reminder.1`,
        `sla.complaint.${CASE_ID}.v3.escalation.0`,
        `sla.complaint.${CASE_ID}.v3.escalation.1`,
      ],
    },
  ])('names the timers of $label by case, deadline version, kind and index', ({ c, expected }) => {
    const timers = planTimers(c, CITY_RULES, T0);
    expect(timers.map((t) => t.id)).toEqual(expected);
    // BullMQ keeps colons for its own keys.
    for (const t of timers) expect(t.id).not.toContain(':');
  });

  it('gives the same ids whenever it is asked, so scheduling twice or rebuilding is a no-op', () => {
    const first = planTimers(siup(), CITY_RULES, at(1)).map((t) => t.id);
    const later = planTimers(siup(), CITY_RULES, at(20)).map((t) => t.id);
    expect(later).toEqual(first);
  });

  it('gives a moved deadline new ids, so the timers of the old one are told apart', () => {
    const before = planTimers(siup({ deadlineVersion: 0 }), CITY_RULES, T0).map((t) => t.id);
    const after = planTimers(siup({ deadlineVersion: 1, deadlineAt: at(30) }), CITY_RULES, T0).map((t) => t.id);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect(after.every((id) => id.includes('.v1.'))).toBe(true);
  });

  it('reads back every planned timer from its id alone', () => {
    for (const c of [siup(), siup({ kind: 'complaint', deadlineVersion: 12 })]) {
      for (const timer of planTimers(c, CITY_RULES, T0)) {
        expect({ ...parseTimerId(timer.id), fireAt: timer.fireAt }).toEqual(timer);
      }
    }
  });

  describe("a complaint's three clocks (SP4N-LAPOR)", () => {
    // Filed at T0: verification due in 24 hours, first response in 48, resolution in 120.
    const complaint = (clock: SlaCase['clock'], hours: number): SlaCase =>
      siup({ kind: 'complaint', clock, deadlineAt: at(hours), deadlineVersion: 1 });
    const clocks = [complaint('verify', 24), complaint('firstResponse', 48), complaint('resolve', 120)];

    it('plans each clock on its own span: reminders at its fractions, the chain from its deadline', () => {
      expect(clocks.map((c) => summary(planTimers(c, CITY_RULES, T0)))).toEqual([
        [
          { kind: 'reminder', index: 0, atHours: 12 },
          { kind: 'reminder', index: 1, atHours: 19.2 },
          { kind: 'escalation', index: 0, atHours: 24 },
          { kind: 'escalation', index: 1, atHours: 48 },
        ],
        [
          { kind: 'reminder', index: 0, atHours: 24 },
          { kind: 'reminder', index: 1, atHours: 38.4 },
          { kind: 'escalation', index: 0, atHours: 48 },
          { kind: 'escalation', index: 1, atHours: 72 },
        ],
        [
          { kind: 'reminder', index: 0, atHours: 60 },
          { kind: 'reminder', index: 1, atHours: 96 },
          { kind: 'escalation', index: 0, atHours: 120 },
          { kind: 'escalation', index: 1, atHours: 144 },
        ],
      ]);
    });

    it('names the first two clocks in their ids; the resolution keeps the ids it had before them', () => {
      expect(clocks.map((c) => timerId(c, 'escalation', 0))).toEqual([
        `sla.complaint.${CASE_ID}.v1.verify.escalation.0`,
        `sla.complaint.${CASE_ID}.v1.firstResponse.escalation.0`,
        `sla.complaint.${CASE_ID}.v1.escalation.0`,
      ]);
      expect(timerId(siup({ kind: 'complaint', deadlineVersion: 1 }), 'escalation', 0)).toBe(
        timerId(complaint('resolve', 120), 'escalation', 0),
      );
      const ids = clocks.flatMap((c) => planTimers(c, CITY_RULES, T0).map((t) => t.id));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('reads the clock back from the id', () => {
      for (const c of clocks) {
        for (const timer of planTimers(c, CITY_RULES, T0)) {
          expect({ ...parseTimerId(timer.id), fireAt: timer.fireAt }).toEqual(timer);
          expect(timer.clock).toBe(c.clock);
        }
      }
      expect(parseTimerId(`sla.permit.${CASE_ID}.v0.reminder.0`)?.clock).toBe('resolve');
    });

    it('past the verification deadline, its reminders are dropped; the later clocks keep theirs', () => {
      expect(clocks.map((c) => planTimers(c, CITY_RULES, at(30)).map((t) => `${t.kind}.${t.index}`))).toEqual([
        ['escalation.0', 'escalation.1'],
        ['reminder.0', 'reminder.1', 'escalation.0', 'escalation.1'],
        ['reminder.0', 'reminder.1', 'escalation.0', 'escalation.1'],
      ]);
    });
  });

  it('builds the same id as timerId does', () => {
    expect(timerId(siup({ deadlineVersion: 2 }), 'escalation', 1)).toBe(`sla.permit.${CASE_ID}.v2.escalation.1`);
  });

  it.each([
    { label: 'an empty string', id: '' },
    { label: 'a case id that is not a uuid', id: 'sla.permit.abc.v0.reminder.0' },
    { label: 'an unknown case kind', id: `sla.pbb.${CASE_ID}.v0.reminder.0` },
    { label: "an object's own property for a kind", id: `sla.constructor.${CASE_ID}.v0.reminder.0` },
    { label: 'a prototype key with a clock', id: `sla.constructor.${CASE_ID}.v0.verify.reminder.0` },
    { label: 'an unknown timer kind', id: `sla.permit.${CASE_ID}.v0.digest.0` },
    { label: 'no version', id: `sla.permit.${CASE_ID}.reminder.0` },
    { label: 'colons instead of dots', id: `sla:permit:${CASE_ID}:v0:reminder:0` },
    { label: 'something after the index', id: `sla.permit.${CASE_ID}.v0.reminder.0.x` },
    { label: 'a negative index', id: `sla.permit.${CASE_ID}.v0.escalation.-1` },
    { label: "a permit with a complaint's verification clock", id: `sla.permit.${CASE_ID}.v0.verify.escalation.0` },
    { label: 'an unknown clock', id: `sla.complaint.${CASE_ID}.v0.payment.escalation.0` },
    { label: 'the resolution clock named', id: `sla.complaint.${CASE_ID}.v0.resolve.escalation.0` },
    { label: 'the clock before the version', id: `sla.complaint.${CASE_ID}.verify.v0.escalation.0` },
  ])('parseTimerId refuses $label', ({ id }) => {
    expect(parseTimerId(id)).toBeNull();
  });
});
