import type { Queue } from 'bullmq';

/**
 * What the outbox and the SLA timers share about their BullMQ jobs. A job only wakes work up;
 * the database says whether the work is done, so a job is never final and may be replaced.
 */

/** Attempts of a job that fails on our own database or Redis (an outbox row's own attempts are untouched). */
export const INFRA_ATTEMPTS = 20;
/** Their waits: doubling from 1 s, never above 10 s, so a job is ready soon after an outage. */
export const infraBackoff = (attemptsMade: number) => Math.min(1000 * 2 ** Math.max(0, attemptsMade - 1), 10_000);
/** The job options that retry with `infraBackoff` (the worker's `backoffStrategy`). */
export const INFRA_RETRY = { attempts: INFRA_ATTEMPTS, backoff: { type: 'infra' } };

/**
 * A job whose worker died (kill -9) is taken back after 10 s rather than BullMQ's 30: what it was
 * doing is settled in the database (an outbox row's claim, a timer's SlaNotice), never by the job,
 * so an early take-back sends nothing twice.
 */
export const STALL_CHECK = { lockDuration: 10_000, stalledInterval: 10_000 };

/** Job states in which a job will still run by itself. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Of these items, whose work the database says is still due, those whose job will not run by
 * itself: missing, or ended (failed on an outage, or finished while its work still waited). An
 * ended job is removed, so that adding the job again under the same id takes effect. Reads the
 * job states 50 at a time.
 */
export async function jobsNotRunning<T>(
  items: T[],
  queueOf: (item: T) => Queue,
  idOf: (item: T) => string,
): Promise<T[]> {
  const stopped: T[] = [];
  for (let i = 0; i < items.length; i += 50) {
    const chunk = items.slice(i, i + 50);
    const states = await Promise.all(chunk.map((item) => queueOf(item).getJobState(idOf(item))));
    for (const [j, item] of chunk.entries()) {
      const state = states[j] ?? 'unknown';
      if (LIVE_STATES.has(state)) continue;
      if (state !== 'unknown') await queueOf(item).remove(idOf(item));
      stopped.push(item);
    }
  }
  return stopped;
}
