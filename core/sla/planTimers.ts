import type { ClockName } from './caseClocks.js';
import { CASE_KIND, type CaseKind } from '../cases/caseKinds.js';

/** One clock of a case as the SLA scheduler sees it. */
export interface SlaCase {
  kind: 'permit' | 'complaint';
  id: string;
  /** Which of the case's clocks (see caseClocks); unset: `resolve`, a permit's only one. */
  clock?: ClockName;
  /** When the clock started: submission. */
  startedAt: Date;
  deadlineAt: Date;
  /** Bumped whenever the deadline moves, so timers of an old deadline are told apart. */
  deadlineVersion: number;
}

export type TimerKind = 'reminder' | 'escalation';

/** One timer: a reminder to the holder, or an escalation to a level of the chain. */
export interface PlannedTimer {
  /** Deterministic: case, kind, index and deadline version. Scheduling twice is a no-op. */
  id: string;
  caseKind: SlaCase['kind'];
  caseId: string;
  clock: ClockName;
  kind: TimerKind;
  /** The reminder's index, or the escalation level. */
  index: number;
  deadlineVersion: number;
  fireAt: Date;
}

export interface SlaRules {
  /** Fractions of the SLA at which the holder is reminded, e.g. [0.5, 0.8]. */
  reminderFractions: readonly number[];
  /** Level 0 at the deadline; each next level after its further hours. */
  escalation: ReadonlyArray<{ afterHours: number }>;
}

/**
 * The id of a timer. Dots, not colons: BullMQ keeps colons for its own keys. The resolution
 * clock's ids name no clock, as before there were others, so timers and notices kept from then
 * still match; a complaint's other clocks are named after the version.
 */
export function timerId(
  c: Pick<SlaCase, 'kind' | 'id' | 'deadlineVersion' | 'clock'>,
  kind: TimerKind,
  index: number,
): string {
  const clock = c.clock && c.clock !== 'resolve' ? `${c.clock}.` : '';
  return `sla.${c.kind}.${c.id}.v${c.deadlineVersion}.${clock}${kind}.${index}`;
}

/** Reads the parts back out of a timer id; null when it is not one. */
export function parseTimerId(id: string): Omit<PlannedTimer, 'fireAt'> | null {
  const m = /^sla\.([a-z]+)\.([0-9a-f-]{36})\.v(\d+)\.(?:(verify|firstResponse)\.)?(reminder|escalation)\.(\d+)$/.exec(
    id,
  );
  if (!m) return null;
  // Own keys only: "sla.constructor...." names no kind.
  const kind = Object.hasOwn(CASE_KIND, m[1]!) ? CASE_KIND[m[1] as CaseKind] : undefined;
  // A clock is named only on a kind that keeps it (a complaint, LAPOR's first two).
  if (!kind || (m[4] && !kind.clocks.includes(m[4] as ClockName))) return null;
  return {
    id,
    caseKind: m[1] as SlaCase['kind'],
    caseId: m[2]!,
    clock: (m[4] ?? 'resolve') as ClockName,
    deadlineVersion: Number(m[3]),
    kind: m[5] as TimerKind,
    index: Number(m[6]),
  };
}

/**
 * Every timer of an open case: reminders at fractions of the SLA and the escalation chain from
 * the deadline on. A reminder already due when the deadline has passed too is left out: the
 * escalation says more. Pure, so the reconciler can rebuild the same timers from the database.
 */
export function planTimers(c: SlaCase, rules: SlaRules, now: Date): PlannedTimer[] {
  const start = c.startedAt.getTime();
  const deadline = c.deadlineAt.getTime();
  const base = { caseKind: c.kind, caseId: c.id, clock: c.clock ?? 'resolve', deadlineVersion: c.deadlineVersion };
  const timers: PlannedTimer[] = [];
  rules.reminderFractions.forEach((fraction, index) => {
    const fireAt = start + fraction * (deadline - start);
    if (deadline <= now.getTime()) return;
    timers.push({ ...base, id: timerId(c, 'reminder', index), kind: 'reminder', index, fireAt: new Date(fireAt) });
  });
  let at = deadline;
  rules.escalation.forEach((level, index) => {
    at += level.afterHours * 3_600_000;
    timers.push({ ...base, id: timerId(c, 'escalation', index), kind: 'escalation', index, fireAt: new Date(at) });
  });
  return timers;
}
