import type { Cluster, Redis } from 'ioredis';

/**
 * Deletes every key under one test's BullMQ prefix, as if Redis had lost its data, without
 * touching anything else in the shared Redis. Refuses a prefix that is not a test's own. On a
 * cluster, every master is scanned.
 */
export async function wipeRedisPrefix(redis: Redis | Cluster, prefix: string): Promise<number> {
  if (!/^(lktest-[\w-]+|\{lktest-[\w-]+\})$/.test(prefix))
    throw new Error(`refusing to wipe keys of prefix "${prefix}"`);
  const servers = 'isCluster' in redis && redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  let deleted = 0;
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      // One key a command: on a cluster, keys of other prefixes need not share a slot.
      for (const key of keys) deleted += await server.unlink(key);
    } while (cursor !== '0');
  }
  return deleted;
}
