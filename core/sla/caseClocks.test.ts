import { describe, expect, it } from 'vitest';
import { defaultCity } from '../../test/support/testDatabase.js';
import type { Actor } from '../cases/CaseError.js';
import { COMPLAINT_STATUSES, COMPLAINT_TRANSITIONS, type ComplaintStatus } from '../cases/complaintLifecycle.js';
import {
  complaintClocks,
  complaintSlaCases,
  currentClock,
  endsVerification,
  isFirstResponse,
  laporDeadlines,
  type ComplaintClockFields,
} from './caseClocks.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-23T02:00:00.000Z'); // Mon 23 Nov 2026 09:00 WIB
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const ID = '0b7c6a52-3f1e-4c55-9f0a-5d2e8c1b7a90';

/** A complaint filed at T0: verification due at +24 h, first response at +48 h, resolution at +120 h. */
const complaint = (overrides: Partial<ComplaintClockFields> = {}): ComplaintClockFields => ({
  createdAt: T0,
  deadlineAt: at(120),
  closedAt: null,
  verifyDeadlineAt: at(24),
  verifiedAt: null,
  firstResponseDeadlineAt: at(48),
  firstRespondedAt: null,
  ...overrides,
});

describe('complaintClocks and currentClock', () => {
  it.each<{ label: string; c: ComplaintClockFields; open?: boolean; current: string | null }>([
    { label: 'just filed: verification is due first', c: complaint(), current: 'verify' },
    { label: 'verified: the first response', c: complaint({ verifiedAt: at(2) }), current: 'firstResponse' },
    {
      label: 'verified and answered: the resolution',
      c: complaint({ verifiedAt: at(2), firstRespondedAt: at(3) }),
      current: 'resolve',
    },
    {
      label: 'answered but not verified: still the verification',
      c: complaint({ firstRespondedAt: at(1) }),
      current: 'verify',
    },
    {
      label: 'equal deadlines: the earlier step',
      c: complaint({ firstResponseDeadlineAt: at(24) }),
      current: 'verify',
    },
    {
      label: 'a first response due before the verification (a city so set): the first response',
      c: complaint({ firstResponseDeadlineAt: at(12) }),
      current: 'firstResponse',
    },
    {
      label: 'filed before the clocks, not yet filled in: the resolution only',
      c: complaint({ verifyDeadlineAt: null, firstResponseDeadlineAt: null }),
      current: 'resolve',
    },
    { label: 'closed: none', c: complaint({ closedAt: at(5) }), open: false, current: null },
  ])('$label', ({ c, open, current }) => {
    expect(currentClock(complaintClocks(c), open ?? true)?.clock ?? null).toBe(current);
  });

  it('lists the clocks in LAPOR order, each stopped when its step was done', () => {
    expect(complaintClocks(complaint({ verifiedAt: at(2) }))).toEqual([
      { clock: 'verify', startedAt: T0, deadlineAt: at(24), stoppedAt: at(2) },
      { clock: 'firstResponse', startedAt: T0, deadlineAt: at(48), stoppedAt: null },
      { clock: 'resolve', startedAt: T0, deadlineAt: at(120), stoppedAt: null },
    ]);
  });

  it('runs, for the scheduler, the clocks not stopped of an open complaint, and none of a closed one', () => {
    const c = { ...complaint({ verifiedAt: at(2) }), id: ID, deadlineVersion: 2 };
    expect(complaintSlaCases(c, true).map((k) => [k.clock, k.running, k.deadlineVersion])).toEqual([
      ['verify', false, 2],
      ['firstResponse', true, 2],
      ['resolve', true, 2],
    ]);
    expect(complaintSlaCases(c, false).map((k) => k.running)).toEqual([false, false, false]);
  });
});

describe('laporDeadlines', () => {
  it.each([
    // The default city: 3 and 3 working days, Monday to Friday, national holidays off.
    {
      label: 'filed on a Monday morning: the end of Thursday',
      filedAt: '2026-11-23T02:00:00.000Z',
      due: '2026-11-26T16:59:59.999Z',
    },
    {
      label: 'filed on a Friday evening: counting starts Monday, due Wednesday',
      filedAt: '2026-11-27T12:00:00.000Z',
      due: '2026-12-02T16:59:59.999Z',
    },
    {
      label: 'filed on Christmas Eve: Christmas and the weekend skipped',
      filedAt: '2026-12-24T03:00:00.000Z',
      due: '2026-12-30T16:59:59.999Z',
    },
  ])('$label', ({ filedAt, due }) => {
    expect(laporDeadlines(defaultCity, new Date(filedAt))).toEqual({
      verifyDeadlineAt: new Date(due),
      firstResponseDeadlineAt: new Date(due),
    });
  });

  it('counts each clock in its own working days from city data', () => {
    const city = {
      ...defaultCity,
      sla: { ...defaultCity.sla, complaint: { verifyWorkingDays: 1, firstResponseWorkingDays: 5 } },
    };
    expect(laporDeadlines(city, new Date('2026-11-23T02:00:00.000Z'))).toEqual({
      verifyDeadlineAt: new Date('2026-11-24T16:59:59.999Z'),
      firstResponseDeadlineAt: new Date('2026-11-30T16:59:59.999Z'),
    });
  });
});

describe('what stops the verification and first-response clocks', () => {
  const moves = COMPLAINT_STATUSES.flatMap((from) => COMPLAINT_TRANSITIONS[from].map((to) => ({ from, to })));

  it.each(moves)('verification ends with $from -> $to only when it leaves waiting', ({ from, to }) => {
    expect(endsVerification(from, to)).toBe(from === 'waiting');
  });

  const officer: Actor = { type: 'officer', id: 'o-1' };
  it.each<{ label: string; actor: Actor; to: ComplaintStatus; note: string | null; expected: boolean }>([
    {
      label: "an officer's verification with a note to the reporter",
      actor: officer,
      to: 'verified',
      note: 'Laporan diterima, kami cek ke lokasi',
      expected: true,
    },
    { label: "an officer's bare verification", actor: officer, to: 'verified', note: null, expected: false },
    {
      label: "an officer's move to in process without a note",
      actor: officer,
      to: 'in_process',
      note: null,
      expected: false,
    },
    {
      label: "an officer's forward (its note reaches the reporter)",
      actor: officer,
      to: 'dispositioned',
      note: 'Diteruskan ke DLH',
      expected: true,
    },
    { label: 'a note of blanks', actor: officer, to: 'in_process', note: '  ', expected: false },
    { label: 'done: the final answer', actor: officer, to: 'done', note: null, expected: true },
    { label: 'rejected', actor: officer, to: 'rejected', note: 'Bukan laporan', expected: true },
    { label: 'not our authority', actor: officer, to: 'not_authority', note: 'Jalan nasional', expected: true },
    {
      label: "the system's reopening after a low rating",
      actor: { type: 'system' },
      to: 'in_process',
      note: 'Dibuka kembali: nilai 1',
      expected: false,
    },
  ])('first response: $label -> $expected', ({ actor, to, note, expected }) => {
    expect(isFirstResponse({ actor, to, note })).toBe(expected);
  });
});
