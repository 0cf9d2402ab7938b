import { DelayedError, Queue, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { ChannelName } from '../conversation/types.js';
import type { Logger } from '../log/createLogger.js';
import { infraBackoff, INFRA_RETRY, jobsNotRunning, STALL_CHECK } from './queueJobs.js';
import { restartStopped, watchWorkerErrors } from './queueWorkerHealth.js';
import { withDeadline } from './withDeadline.js';
import type { OutboxDispatcher } from './OutboxDispatcher.js';
import type { DeliveryAttempt, OutboxRelay } from './OutboxRelay.js';

export interface BullOutboxOptions {
  /** For the workers (BullMQ's blocking reads want `maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  /**
   * For adding jobs: a connection that fails at once while Redis is away (no offline queue) and
   * gives up on a command Redis does not answer. Defaults to `connection`.
   */
  producer?: Redis | Cluster;
  /** Prefix of the BullMQ keys, so several cities or test runs can share one Redis. */
  prefix?: string;
  logger: Logger;
  /** The longest a wake-up may hold its caller (a webhook) when Redis is slow or away. */
  wakeUpTimeoutMs?: number;
}

/** Messages per second a channel's provider and sending number accept. */
export type ChannelRates = Partial<Record<ChannelName, number>>;

const queueName = (channel: ChannelName) => `outbox-${channel}`;

/** Jobs a channel's worker runs at once: its rate per second, within these bounds. */
const MIN_CONCURRENCY = 4;
const MAX_CONCURRENCY = 64;
/** A row behind an earlier unsettled one is tried again this often, this many times, before its job ends. */
const BLOCKED_WAIT_MS = 250;
const BLOCKED_RETRIES = 20;

const JOB_OPTIONS: JobsOptions = {
  ...INFRA_RETRY,
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
};

/**
 * The outbox on BullMQ: one queue per channel (so each provider and sending number has its own
 * rate limit), a job per outbox row with the row id as job id (enqueueing twice is harmless).
 * A job only wakes its row up: the row decides whether it is due, how often the provider
 * refused and when to try again. A job that fails on an outage is never final: `sweep` compares
 * the due rows with the queues and replaces jobs that are missing, failed or finished.
 */
export class BullOutbox implements OutboxDispatcher {
  private readonly queues = new Map<ChannelName, Queue>();
  private readonly workers: Worker[] = [];
  private closing = false;
  /** Jobs of this process waiting behind an earlier message to their address: how to wake each. */
  private readonly inTurn = new Map<string, () => void>();

  constructor(private readonly options: BullOutboxOptions) {}

  private queue(channel: ChannelName): Queue {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = new Queue(queueName(channel), {
        connection: this.options.producer ?? this.options.connection,
        prefix: this.options.prefix,
      });
      // Redis going away is logged once by the runtime; each queue need not repeat it.
      queue.on('error', () => undefined);
      this.queues.set(channel, queue);
    }
    return queue;
  }

  /** Whether adding a job can work now; while Redis is away the sweep catches up later. */
  private get producerReady(): boolean {
    const producer = this.options.producer;
    return !producer || producer.status === 'ready';
  }

  /**
   * Wakes the delivery of freshly committed rows. Never throws and never holds its caller long:
   * while Redis is away or slow the rows wait in the database, and the sweep enqueues them.
   */
  async dispatch(rows: ReadonlyArray<{ id: string; channel: ChannelName }>): Promise<void> {
    if (rows.length === 0) return;
    if (!this.producerReady) {
      this.options.logger.debug({ rows: rows.length }, 'Redis is away: outbox rows left to the sweep');
      return;
    }
    try {
      await withDeadline(this.enqueue(rows), this.options.wakeUpTimeoutMs ?? 1000);
    } catch (error) {
      this.options.logger.warn(
        { rows: rows.length, reason: (error as Error).message },
        'outbox wake-up failed: rows left to the sweep',
      );
    }
  }

  private async enqueue(rows: ReadonlyArray<{ id: string; channel: ChannelName }>): Promise<void> {
    const byChannel = new Map<ChannelName, string[]>();
    for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row.id]);
    for (const [channel, ids] of byChannel) {
      await this.queue(channel).addBulk(
        ids.map((id) => ({ name: 'deliver', data: { id }, opts: { ...JOB_OPTIONS, jobId: id } })),
      );
    }
  }

  /**
   * Starts one worker per channel this process can deliver to, each under its rate limit and
   * running as many jobs at once as the channel takes per second (the relay makes the attempts
   * that arrive together one batch).
   */
  startWorkers(relay: OutboxRelay, rates: ChannelRates): void {
    for (const [channel, perSecond] of Object.entries(rates) as Array<[ChannelName, number]>) {
      // BullMQ's limiter counts jobs per duration; a rate below 1/s becomes 1 job per 1/rate seconds.
      const limiter =
        perSecond >= 1
          ? { max: Math.floor(perSecond), duration: 1000 }
          : { max: 1, duration: Math.round(1000 / perSecond) };
      const worker = new Worker(
        queueName(channel),
        async (job, token) => {
          const id = (job.data as { id: string }).id;
          // Throws only when our own database is away: BullMQ tries again (INFRA_ATTEMPTS).
          const attempt = await this.attemptInTurn(relay, id);
          const until =
            attempt.at?.getTime() ?? (attempt.retryInMs === undefined ? null : Date.now() + attempt.retryInMs);
          if (until !== null) {
            // Quiet hours, or a refusal's wait: the job waits, using up none of its attempts.
            await job.moveToDelayed(until, token);
            throw new DelayedError();
          }
          return attempt.outcome;
        },
        {
          connection: this.options.connection,
          prefix: this.options.prefix,
          limiter,
          concurrency: Math.min(MAX_CONCURRENCY, Math.max(MIN_CONCURRENCY, Math.ceil(perSecond))),
          ...STALL_CHECK,
          settings: { backoffStrategy: infraBackoff },
        },
      );
      watchWorkerErrors(worker, this.options.logger, 'outbox worker error', { channel });
      this.workers.push(worker);
    }
  }

  /**
   * Attempts a row; one waiting behind an earlier message to its address is tried again when this
   * process settles that message, or after a short wait (another process may hold it), for a
   * few seconds. Then the job ends, and whoever settles the earlier message wakes the row again.
   */
  private async attemptInTurn(relay: OutboxRelay, id: string): Promise<DeliveryAttempt> {
    let attempt = await relay.attempt(id);
    for (let tries = 0; attempt.outcome === 'blocked' && tries < BLOCKED_RETRIES && !this.closing; tries++) {
      // Woken by this process settling the earlier message, or by the wait running out.
      await new Promise<void>((wake) => {
        this.inTurn.set(id, wake);
        setTimeout(wake, BLOCKED_WAIT_MS);
      });
      this.inTurn.delete(id);
      attempt = await relay.attempt(id);
    }
    // The next message to the same address was waiting for this one.
    if (attempt.next) {
      const waiting = this.inTurn.get(attempt.next.id);
      if (waiting) waiting();
      else void this.dispatch([attempt.next]);
    }
    return attempt;
  }

  /**
   * The database decides: every due pending row of this process's channels gets a job that will
   * run, whatever Redis lost or an outage failed. Returns how many jobs were added or replaced.
   */
  async sweep(relay: OutboxRelay, now: Date): Promise<number> {
    // While Redis is away there is nothing to enqueue to: the next sweep after it is back does it.
    if (!this.producerReady) return 0;
    const rows = await relay.dueIds(500, now);
    if (rows.length === 0) return 0;
    // Failed on an outage, or finished while its row still waits (it waited behind another).
    const missing = await jobsNotRunning(
      rows,
      (row) => this.queue(row.channel),
      (row) => row.id,
    );
    await this.enqueue(missing);
    return missing.length;
  }

  /**
   * Starts again a worker whose run ended on an error of Redis (BullMQ gives up a worker whose
   * start met an outage). Returns how many were restarted.
   */
  restartStoppedWorkers(): number {
    return this.closing ? 0 : restartStopped(this.workers, this.options.logger);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
