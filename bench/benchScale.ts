/** How big each measurement is: the full run, or the quick smoke check (`--quick`). */
export interface BenchScale {
  name: 'full' | 'quick';
  inbound: {
    /** Concurrent clients of the closed loop. */
    clients: number;
    citizens: number;
    warmupMs: number;
    durationMs: number;
    /** Closed-loop repetitions; the figure is their median (the machine is shared and noisy). */
    rounds: number;
    openLoopPerSecond: number;
    openLoopWarmupMs: number;
    openLoopDurationMs: number;
    profileMs: number;
    /** Messages sent one at a time to count each kind's statements and Redis commands. */
    perKindMessages: number;
    /** Replies written for each delivery round (one worker, then two), and the provider's time per message. */
    deliveryRows: number;
    deliveryLatencyMs: number;
  };
  timers: { pending: number; due: number; leadMs: number; windowMs: number };
  memory: {
    openCases: number;
    conversations: number;
    warmMessages: number;
    reconcileTimeoutMs: number;
    settleMs: number;
  };
  import: { rows: number; lookups: number };
}

export const FULL: BenchScale = {
  name: 'full',
  inbound: {
    clients: 32,
    citizens: 4000,
    warmupMs: 5000,
    durationMs: 15_000,
    rounds: 3,
    openLoopPerSecond: 200,
    openLoopWarmupMs: 5000,
    openLoopDurationMs: 30_000,
    profileMs: 15_000,
    perKindMessages: 400,
    deliveryRows: 4000,
    deliveryLatencyMs: 50,
  },
  timers: { pending: 100_000, due: 1000, leadMs: 3000, windowMs: 20_000 },
  memory: {
    openCases: 100_000,
    conversations: 10_000,
    warmMessages: 1000,
    reconcileTimeoutMs: 20 * 60_000,
    settleMs: 3000,
  },
  import: { rows: 1_000_000, lookups: 10_000 },
};

export const QUICK: BenchScale = {
  name: 'quick',
  inbound: {
    clients: 16,
    citizens: 400,
    warmupMs: 500,
    durationMs: 1500,
    rounds: 1,
    openLoopPerSecond: 200,
    openLoopWarmupMs: 250,
    openLoopDurationMs: 1000,
    profileMs: 5000,
    perKindMessages: 60,
    deliveryRows: 300,
    deliveryLatencyMs: 50,
  },
  timers: { pending: 5000, due: 100, leadMs: 500, windowMs: 1500 },
  memory: { openCases: 1000, conversations: 500, warmMessages: 50, reconcileTimeoutMs: 60_000, settleMs: 1000 },
  import: { rows: 40_000, lookups: 1000 },
};
