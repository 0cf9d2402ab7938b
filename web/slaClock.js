// The SLA clock rule, shared as is by the server (app/commandCenter) and the board in the
// browser, so both always agree on what "close" and "overdue" mean.

/** Below this share of its SLA left, a clock shows as close. */
export const CLOSE_FRACTION = 0.25;

/**
 * Where a case stands against its deadline at `nowMs`. A paused clock (a permit waiting for the
 * applicant's corrections) stays where it stopped.
 * @param {{ startedAt: string | Date, deadlineAt: string | Date, pausedAt?: string | Date | null }} c
 * @param {number} nowMs
 * @returns {{ state: 'on_time' | 'close' | 'overdue' | 'paused', msLeft: number, fractionLeft: number }}
 */
export function slaClock(c, nowMs) {
  const start = new Date(c.startedAt).getTime();
  const deadline = new Date(c.deadlineAt).getTime();
  const at = c.pausedAt ? new Date(c.pausedAt).getTime() : nowMs;
  const msLeft = deadline - at;
  const fraction = msLeft / Math.max(1, deadline - start);
  let state = 'on_time';
  if (c.pausedAt) state = 'paused';
  else if (msLeft <= 0) state = 'overdue';
  else if (fraction < CLOSE_FRACTION) state = 'close';
  // Rounded for showing only: the state above is decided on the exact share.
  return { state, msLeft, fractionLeft: Math.round(fraction * 1000) / 1000 || 0 };
}
