/** Types of slaClock.js, for the server's TypeScript. */
export declare const CLOSE_FRACTION: number;

export type ClockState = 'on_time' | 'close' | 'overdue' | 'paused';

export interface SlaClock {
  state: ClockState;
  /** Time left until the deadline; negative when overdue. */
  msLeft: number;
  /** msLeft as a share of the whole SLA, rounded to 0.001. */
  fractionLeft: number;
}

export declare function slaClock(
  c: { startedAt: string | Date; deadlineAt: string | Date; pausedAt?: string | Date | null },
  nowMs: number,
): SlaClock;
