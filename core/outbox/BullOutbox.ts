import { DelayedError, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { ChannelName } from '../conversation/types.js';
import type { Logger } from '../log/createLogger.js';
import type { OutboxDispatcher } from './OutboxDispatcher.js';
import { DeferUntil, type OutboxRelay } from './OutboxRelay.js';

export interface BullOutboxOptions {
  connection: ConnectionOptions;
  /** Prefix of the BullMQ keys, so several cities or test runs can share one Redis. */
  prefix?: string;
  maxAttempts: number;
  retryBaseMs: number;
  logger: Logger;
}

/** Messages per second a channel's provider and sending number accept. */
export type ChannelRates = Partial<Record<ChannelName, number>>;

const queueName = (channel: ChannelName) => `outbox-${channel}`;

/**
 * The outbox on BullMQ: one queue per channel (so each provider and sending number has its own
 * rate limit), a job per outbox row with the row id as job id (enqueueing twice is harmless),
 * exponential backoff between attempts. The rows stay the truth: `sweep` re-enqueues pending
 * rows whose job was lost with Redis.
 */
export class BullOutbox implements OutboxDispatcher {
  private readonly queues = new Map<ChannelName, Queue>();
  private readonly workers: Worker[] = [];

  constructor(private readonly options: BullOutboxOptions) {}

  private queue(channel: ChannelName): Queue {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = new Queue(queueName(channel), { connection: this.options.connection, prefix: this.options.prefix });
      this.queues.set(channel, queue);
    }
    return queue;
  }

  async dispatch(rows: ReadonlyArray<{ id: string; channel: ChannelName }>): Promise<void> {
    for (const row of rows) {
      await this.queue(row.channel).add(
        'deliver',
        { id: row.id },
        {
          jobId: row.id,
          attempts: this.options.maxAttempts,
          backoff: { type: 'exponential', delay: this.options.retryBaseMs },
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
        },
      );
    }
  }

  /** Starts one worker per channel this process can deliver to, each under its rate limit. */
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
          try {
            return await relay.attempt((job.data as { id: string }).id);
          } catch (error) {
            if (!(error instanceof DeferUntil)) throw error;
            // Quiet hours: the job waits, without using up an attempt.
            await job.moveToDelayed(error.until.getTime(), token);
            throw new DelayedError();
          }
        },
        {
          connection: this.options.connection,
          prefix: this.options.prefix,
          limiter,
          concurrency: 1,
        },
      );
      worker.on('error', (error) => this.options.logger.error({ err: error, channel }, 'outbox worker error'));
      this.workers.push(worker);
    }
  }

  /** Re-enqueues pending rows older than `olderThanMs` whose jobs may have been lost. */
  async sweep(relay: OutboxRelay, now: Date, olderThanMs = 30_000): Promise<number> {
    const rows = await relay.pendingIds(500, new Date(now.getTime() - olderThanMs));
    let requeued = 0;
    for (const row of rows) {
      const existing = await this.queue(row.channel).getJob(row.id);
      if (existing) continue;
      await this.dispatch([row]);
      requeued++;
    }
    return requeued;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
