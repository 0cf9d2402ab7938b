import type { CallCounts } from './countCalls.js';

/**
 * What the bench's child processes (the app, the bare floor server) and the runner say to each
 * other over the IPC channel.
 */
export type ToChild =
  { type: 'memory' } | { type: 'gc' } | { type: 'cpu' } | { type: 'clock' } | { type: 'counts' } | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; port: number | null }
  | { type: 'memory'; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
  | { type: 'cpu'; userMicros: number; systemMicros: number }
  /** The monotonic clock in microseconds, as V8 stamps CPU profile samples. */
  | { type: 'clock'; micros: number }
  /** SQL statements (of them prepared, and the outbox's delivery) and Redis commands sent so far (the app process only). */
  | ({ type: 'counts' } & CallCounts)
  | { type: 'failed'; message: string };

function memory(): FromChild {
  const m = process.memoryUsage();
  return {
    type: 'memory',
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/** Answers the runner's questions from inside a child; `stop` runs the child's shutdown, then exits. */
export function answerRunner(
  shutdown: () => Promise<void>,
  counts: () => CallCounts = () => ({ sql: 0, prepared: 0, delivery: 0, redis: 0 }),
): void {
  const send = (message: FromChild) => process.send?.(message);
  process.on('message', (message: ToChild) => {
    switch (message.type) {
      case 'memory':
        send(memory());
        break;
      case 'gc':
        // Only with --expose-gc; without it, this is the same as 'memory'.
        (globalThis as { gc?: () => void }).gc?.();
        send(memory());
        break;
      case 'cpu': {
        const c = process.cpuUsage();
        send({ type: 'cpu', userMicros: c.user, systemMicros: c.system });
        break;
      }
      case 'clock':
        send({ type: 'clock', micros: Number(process.hrtime.bigint() / 1000n) });
        break;
      case 'counts':
        send({ type: 'counts', ...counts() });
        break;
      case 'stop':
        // A normal exit, so that --cpu-prof writes its profile.
        void shutdown()
          .catch(() => undefined)
          .finally(() => process.exit(0));
        break;
    }
  });
  process.on('disconnect', () => process.exit(0));
}
