import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { connectRedis } from '../app/connectRedis.js';
import type { RedisConfig } from '../core/config/redisConfig.js';

export interface BullmqAddOptions {
  redis: string | RedisConfig;
  /** A fresh key prefix: the jobs are removed afterwards. */
  prefix: string;
  clients: number;
  warmupMs: number;
  durationMs: number;
  signal?: AbortSignal;
}

/**
 * The floor under the outbox: how many `queue.add` calls per second BullMQ on this Redis takes,
 * with `clients` adds in flight, the same connection setup and job options as the outbox's
 * dispatch (core/outbox/BullOutbox.ts), and no worker.
 */
export async function measureBullmqAdd(options: BullmqAddOptions): Promise<{ perSecond: number; added: number }> {
  const { redis, reason } = await connectRedis(options.redis);
  if (!redis) throw new Error(`Redis is not reachable: ${reason}`);
  const queue = new Queue('outbox-sms', { connection: redis, prefix: options.prefix });
  try {
    await queue.waitUntilReady();
    const started = performance.now();
    const windowStart = started + options.warmupMs;
    const windowEnd = windowStart + options.durationMs;
    let counted = 0;
    let added = 0;
    const adder = async () => {
      while (performance.now() < windowEnd && !options.signal?.aborted) {
        const id = randomUUID();
        await queue.add(
          'deliver',
          { id },
          {
            jobId: id,
            attempts: 5,
            backoff: { type: 'exponential', delay: 2000 },
            removeOnComplete: true,
            removeOnFail: { count: 1000 },
          },
        );
        added++;
        const now = performance.now();
        if (now >= windowStart && now < windowEnd) counted++;
      }
    };
    await Promise.all(Array.from({ length: options.clients }, adder));
    return { perSecond: counted / (options.durationMs / 1000), added };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }
}
