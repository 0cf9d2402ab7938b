import type { Worker } from 'bullmq';
import type { Logger } from '../log/createLogger.js';

/**
 * Logs a BullMQ worker's errors, the same one at most once a minute: while Redis is away a worker
 * reports every reconnection attempt, and one line says as much as a hundred.
 */
export function watchWorkerErrors(worker: Worker, logger: Logger, msg: string, context: object = {}): void {
  let last = { reason: '', at: 0 };
  worker.on('error', (error) => {
    const now = Date.now();
    if (error.message === last.reason && now - last.at < 60_000) return;
    last = { reason: error.message, at: now };
    logger.warn({ ...context, queue: worker.name, reason: error.message }, msg);
  });
}

/**
 * Runs again each worker that is neither running nor closing: BullMQ gives up a worker whose
 * start met a Redis outage. Returns how many were started again.
 */
export function restartStopped(workers: readonly Worker[], logger: Logger): number {
  let restarted = 0;
  for (const worker of workers) {
    if (worker.isRunning() || worker.closing) continue;
    restarted++;
    logger.warn({ queue: worker.name }, 'queue worker had stopped on a Redis error; starting it again');
    worker.run().catch((error: unknown) => worker.emit('error', error as Error));
  }
  return restarted;
}
