import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import { complaintClocks, currentClock } from '../../core/sla/caseClocks.js';
import { seedOpenCases } from '../../test/support/seedOpenCases.js';
import { createTestDatabase, defaultCity, type DbKind, type TestDatabase } from '../../test/support/testDatabase.js';
import { slaClock } from '../../web/slaClock.js';
import { countOpenCases, openCasesCte, PERMIT_BOARD_STATUSES } from './openCases.js';

// The board's figures come from SQL (openCases.ts) and its clocks from web/slaClock.js in the
// browser: both must say the same of every case. Checked here case by case against the rows
// read back and judged by the JavaScript rules, at a real city's size on PostgreSQL and at a
// smaller one on the embedded PGlite.

const NOW = new Date('2026-11-20T05:00:00.000Z');

interface Expected {
  tn: string;
  department: string;
  kind: string;
  state: string;
  clockName: string;
  msLeft: number;
}

async function judgedInJs(db: TestDatabase): Promise<Expected[]> {
  const nowMs = NOW.getTime();
  const permits = await db.prisma.permitApplication.findMany({ where: { status: { in: [...PERMIT_BOARD_STATUSES] } } });
  const complaints = await db.prisma.complaint.findMany({ where: { status: { in: [...COMPLAINT_OPEN_STATUSES] } } });
  return [
    ...permits.map((p) => {
      const pausedAt = p.status === 'needs_revision' ? (p.slaPausedAt ?? p.updatedAt) : null;
      const clock = slaClock({ startedAt: p.submittedAt, deadlineAt: p.deadlineAt, pausedAt }, nowMs);
      return {
        tn: p.trackingNumber,
        department: p.departmentCode,
        kind: 'permit',
        state: clock.state,
        clockName: 'resolve',
        msLeft: clock.msLeft,
      };
    }),
    ...complaints.map((c) => {
      const shown = currentClock(complaintClocks(c), true)!;
      const clock = slaClock(shown, nowMs);
      return {
        tn: c.trackingNumber,
        department: c.departmentCode,
        kind: 'complaint',
        state: clock.state,
        clockName: shown.clock,
        msLeft: clock.msLeft,
      };
    }),
  ];
}

describe.each([
  ['postgresql', 5000],
  ['pglite', 600],
] as Array<[DbKind, number]>)('open cases judged in SQL on %s (%i open)', (kind, open) => {
  let db: TestDatabase;
  let expected: Expected[];

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedOpenCases(db.prisma, defaultCity, { open, closed: Math.round(open / 5), now: NOW, seed: 7 });
    expected = await judgedInJs(db);
  }, 120_000);
  afterAll(() => db?.drop());

  it('gives every open case the state, clock and time left the browser would, and no closed one', async () => {
    const rows = await db.prisma.$queryRaw<Array<{ tn: string; state: string; clock_name: string; ms_left: number }>>`
      ${openCasesCte(NOW, { departments: null })}
      SELECT tracking_number AS tn, state, clock_name, ms_left FROM open_cases`;
    expect(rows).toHaveLength(open);
    const byTn = new Map(rows.map((r) => [r.tn, r]));
    const wrong = expected.filter((e) => {
      const r = byTn.get(e.tn);
      return !r || r.state !== e.state || r.clock_name !== e.clockName || Number(r.ms_left) !== e.msLeft;
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    // The seed reaches every state and every complaint clock, and both edges.
    for (const state of ['on_time', 'close', 'overdue', 'paused'])
      expect(expected.some((e) => e.state === state)).toBe(true);
    for (const clock of ['verify', 'firstResponse', 'resolve'])
      expect(expected.some((e) => e.kind === 'complaint' && e.clockName === clock)).toBe(true);
    expect(expected.some((e) => e.msLeft === 0 && e.state === 'overdue')).toBe(true);
  });

  it('counts by department and state as the cases add up, in a scope and by kind', async () => {
    const counts = await countOpenCases(db.prisma, NOW, { departments: null });
    const tally = (cases: Expected[]) => ({
      open: cases.length,
      on_time: cases.filter((c) => c.state === 'on_time').length,
      close: cases.filter((c) => c.state === 'close').length,
      overdue: cases.filter((c) => c.state === 'overdue').length,
      paused: cases.filter((c) => c.state === 'paused').length,
    });
    expect(counts.total).toEqual(tally(expected));
    const departments = [...new Set(expected.map((e) => e.department))].sort();
    expect(counts.departments).toEqual(
      departments.map((code) => ({ code, ...tally(expected.filter((e) => e.department === code)) })),
    );

    const [one] = departments;
    const scoped = await countOpenCases(db.prisma, NOW, { departments: [one!], kind: 'complaint' });
    expect(scoped.total).toEqual(tally(expected.filter((e) => e.department === one && e.kind === 'complaint')));
    expect((await countOpenCases(db.prisma, NOW, { departments: [] })).total.open).toBe(0);
  });
});
