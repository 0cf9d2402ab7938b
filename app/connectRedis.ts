import { Redis } from 'ioredis';

/**
 * Connects to Redis, or returns null with the reason when it cannot be reached in time, so the
 * process can go on without queues instead of hanging or dying.
 */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<{ redis: Redis | null; reason?: string }> {
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
    return { redis };
  } catch (error) {
    redis.disconnect();
    return { redis: null, reason: (error as Error).message };
  }
}
