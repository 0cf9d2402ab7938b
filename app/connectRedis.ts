import { Redis } from 'ioredis';

/** A command Redis has not answered in this long (a frozen server) fails on the producer connection. */
const PRODUCER_COMMAND_TIMEOUT_MS = 5000;

export interface RedisConnections {
  /** For BullMQ workers: rides out a Redis restart, commands wait for the reconnect. */
  redis: Redis | null;
  /**
   * For adding jobs on the way of a request: while Redis is away a command fails at once instead
   * of waiting in ioredis's offline queue, and a command Redis does not answer fails after a few
   * seconds. Null when `redis` is.
   */
  producer: Redis | null;
  reason?: string;
}

/**
 * Connects to Redis, or returns null with the reason when it cannot be reached in time, so the
 * process can go on without queues instead of hanging or dying.
 */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<RedisConnections> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: timeoutMs,
    // Fail the first connection fast; reconnect later only once we know Redis is there.
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    // From here on, ride out a Redis restart.
    redis.options.retryStrategy = (times) => Math.min(times * 200, 5000);
    // BullMQ duplicates this connection for its workers' blocking reads: a lazy duplicate whose
    // first connect meets an outage leaves its worker waiting for good (seen with Redis killed
    // while the worker started), an eager one connects when Redis is back.
    redis.options.lazyConnect = false;
  } catch (error) {
    redis.disconnect();
    return { redis: null, producer: null, reason: (error as Error).message };
  }
  const producer = redis.duplicate({
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
  });
  producer.on('error', () => undefined);
  try {
    await producer.connect();
    return { redis, producer };
  } catch (error) {
    producer.disconnect();
    redis.disconnect();
    return { redis: null, producer: null, reason: (error as Error).message };
  }
}
