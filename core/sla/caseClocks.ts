import type { Actor } from '../cases/CaseError.js';
import type { ComplaintStatus } from '../cases/complaintLifecycle.js';
import { workingCalendarOf } from '../cases/workingCalendarOf.js';
import type { CityData } from '../city/loadCityData.js';
import { computeDeadline } from '../domain/deadline.js';
import type { SlaCase } from './planTimers.js';

/**
 * The clocks of a case. A permit has one, `resolve` (its SLA). A complaint has SP4N-LAPOR's
 * three, all started at filing: `verify` (verified within `sla.complaint.verifyWorkingDays`),
 * `firstResponse` (a first response to the reporter, tanggapan awal, within
 * `firstResponseWorkingDays`) and `resolve` (within its category's working days). Listed in the
 * order LAPOR runs them, which also breaks ties between equal deadlines.
 */
export const CLOCK_NAMES = ['verify', 'firstResponse', 'resolve'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

/** One clock of a case: when it is due, and when it stopped (null while it runs). */
export interface CaseClock {
  clock: ClockName;
  startedAt: Date;
  deadlineAt: Date;
  stoppedAt: Date | null;
}

/** The columns of a complaint that carry its clocks. */
export interface ComplaintClockFields {
  createdAt: Date;
  deadlineAt: Date;
  closedAt: Date | null;
  verifyDeadlineAt: Date | null;
  verifiedAt: Date | null;
  firstResponseDeadlineAt: Date | null;
  firstRespondedAt: Date | null;
}

/**
 * A complaint's clocks, in LAPOR's order. A clock without a deadline (a complaint filed before
 * the clocks were kept, not yet filled in by the reconciler) is left out. The resolution clock
 * stops when the complaint closes; the others when their step is done.
 */
export function complaintClocks(c: ComplaintClockFields): CaseClock[] {
  const clocks: CaseClock[] = [];
  const startedAt = c.createdAt;
  if (c.verifyDeadlineAt) {
    clocks.push({ clock: 'verify', startedAt, deadlineAt: c.verifyDeadlineAt, stoppedAt: c.verifiedAt });
  }
  if (c.firstResponseDeadlineAt) {
    clocks.push({
      clock: 'firstResponse',
      startedAt,
      deadlineAt: c.firstResponseDeadlineAt,
      stoppedAt: c.firstRespondedAt,
    });
  }
  clocks.push({ clock: 'resolve', startedAt, deadlineAt: c.deadlineAt, stoppedAt: c.closedAt });
  return clocks;
}

/**
 * Every clock of a complaint as the SLA scheduler sees it, and whether it runs: while the
 * complaint is open and the clock has not stopped.
 */
export function complaintSlaCases(
  c: ComplaintClockFields & { id: string; deadlineVersion: number },
  open: boolean,
): Array<SlaCase & { running: boolean }> {
  return slaCasesOfClocks(
    { kind: 'complaint', id: c.id, deadlineVersion: c.deadlineVersion },
    complaintClocks(c),
    open,
  );
}

/**
 * A case's clocks as the SLA scheduler sees them, and whether each runs: while the case is open
 * and the clock has not stopped (the resolution clock runs until the case closes).
 */
export function slaCasesOfClocks(
  c: Pick<SlaCase, 'kind' | 'id' | 'deadlineVersion'>,
  clocks: readonly CaseClock[],
  open: boolean,
): Array<SlaCase & { running: boolean }> {
  return clocks.map((k) => ({
    kind: c.kind,
    id: c.id,
    clock: k.clock,
    startedAt: k.startedAt,
    deadlineAt: k.deadlineAt,
    deadlineVersion: c.deadlineVersion,
    running: open && (k.clock === 'resolve' || k.stoppedAt === null),
  }));
}

/**
 * The clock to watch now: of those still running, the one due first (on a tie, the earlier step).
 * Null when none runs. `open` is whether the case is open: a closed case runs no clock.
 */
export function currentClock(clocks: readonly CaseClock[], open: boolean): CaseClock | null {
  if (!open) return null;
  let current: CaseClock | null = null;
  for (const c of clocks) {
    if (c.stoppedAt) continue;
    if (!current || c.deadlineAt.getTime() < current.deadlineAt.getTime()) current = c;
  }
  return current;
}

/** The verification and first-response deadlines of a complaint filed at `filedAt`. */
export function laporDeadlines(
  city: CityData,
  filedAt: Date,
): { verifyDeadlineAt: Date; firstResponseDeadlineAt: Date } {
  const calendar = workingCalendarOf(city);
  const { verifyWorkingDays, firstResponseWorkingDays } = city.sla.complaint;
  return {
    verifyDeadlineAt: computeDeadline(filedAt, { workingDays: verifyWorkingDays }, calendar),
    firstResponseDeadlineAt: computeDeadline(filedAt, { workingDays: firstResponseWorkingDays }, calendar),
  };
}

/**
 * Whether a move ends the verification: the first move out of `waiting`, to verified (LAPOR's
 * "diverifikasi") or to a refusal (rejected, not our authority), which decides it as well.
 */
export function endsVerification(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return from === 'waiting' && to !== 'waiting';
}

const CLOSING: readonly ComplaintStatus[] = ['done', 'rejected', 'not_authority'];

/**
 * Whether a move is the first response (LAPOR's "tanggapan awal": the first answer to the
 * reporter from whoever handles the complaint). Decided here once, for the status moves; an
 * officer's reply (/balas) is a first response too (see decideOfficerCommand):
 * - an officer's own words that reach the reporter: a reply, or a status move with a note,
 *   which the status notice carries to the reporter (a forward's note included);
 * - a closing status (done, rejected, not our authority): the final answer answers it;
 * - not a bare status move without a note: that notice is the system's, not an answer; not a
 *   claim (it does not reach the reporter); not the system's reopening after a low rating.
 */
export function isFirstResponse(move: { actor: Actor; to: ComplaintStatus; note: string | null }): boolean {
  if (CLOSING.includes(move.to)) return true;
  return move.actor.type === 'officer' && move.note !== null && move.note.trim() !== '';
}

/** A case whose clocks may have moved: its resolution clock, and every clock when it has more. */
export interface CaseClocksChanged {
  sla: SlaCase & { running: boolean };
  clocks?: Array<SlaCase & { running: boolean }>;
}
