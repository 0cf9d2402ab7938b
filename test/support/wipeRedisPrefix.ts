import type { Redis } from 'ioredis';

/**
 * Deletes every key under one test's BullMQ prefix, as if Redis had lost its data, without
 * touching anything else in the shared Redis. Refuses a prefix that is not a test's own.
 */
export async function wipeRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  if (!/^lktest-[\w-]+$/.test(prefix)) throw new Error(`refusing to wipe keys of prefix "${prefix}"`);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
