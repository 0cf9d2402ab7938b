import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../core/config/redisConfig.js';

/** A connection to one Redis (or a master found through Sentinel), or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** A command Redis has not answered in this long (a frozen server) fails on the producer connection. */
const PRODUCER_COMMAND_TIMEOUT_MS = 5000;

/** Waits between reconnection attempts once Redis was there once. */
const reconnectDelay = (times: number) => Math.min(times * 200, 5000);

export interface RedisConnections {
  /** For BullMQ workers: rides out a Redis restart, commands wait for the reconnect. */
  redis: RedisClient | null;
  /**
   * For adding jobs on the way of a request: while Redis is away a command fails at once instead
   * of waiting in ioredis's offline queue, and a command Redis does not answer fails after a few
   * seconds. Null when `redis` is.
   */
  producer: RedisClient | null;
  reason?: string;
}

/**
 * Connects to Redis (a URL, or the configured single server, Sentinel-watched master or
 * cluster), or returns null with the reason when it cannot be reached in time, so the process can
 * go on without queues instead of hanging or dying.
 */
export async function connectRedis(target: string | RedisConfig, timeoutMs = 3000): Promise<RedisConnections> {
  const config: RedisConfig =
    typeof target === 'string' ? { mode: 'single', url: target, keyPrefix: '', tls: false, db: 0 } : target;
  return config.mode === 'cluster' ? connectCluster(config, timeoutMs) : connectServer(config, timeoutMs);
}

async function connectServer(
  config: Exclude<RedisConfig, { mode: 'cluster' }>,
  timeoutMs: number,
): Promise<RedisConnections> {
  const options: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: timeoutMs,
    // Fail the first connection fast; reconnect later only once we know Redis is there.
    retryStrategy: () => null,
  };
  const redis =
    config.mode === 'single'
      ? new Redis(config.url, options)
      : new Redis({
          ...options,
          sentinels: config.sentinels,
          name: config.name,
          sentinelPassword: config.sentinelPassword,
          username: config.username,
          password: config.password,
          db: config.db,
          ...(config.tls ? { tls: {} } : {}),
          // No Sentinel answering at the first connection fails it too.
          sentinelRetryStrategy: () => null,
        });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    // From here on, ride out a Redis restart (and, with Sentinel, a failover or Sentinels away).
    redis.options.retryStrategy = reconnectDelay;
    if (config.mode === 'sentinel') redis.options.sentinelRetryStrategy = reconnectDelay;
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
  return connectProducer(redis, producer);
}

/**
 * A Redis Cluster: the same two connections. A cluster client reconnects as a whole
 * (`clusterRetryStrategy`); a lost node is found again through the others' slot maps.
 */
async function connectCluster(config: Extract<RedisConfig, { mode: 'cluster' }>, timeoutMs: number) {
  const redisOptions: ClusterOptions['redisOptions'] = {
    username: config.username,
    password: config.password,
    ...(config.tls ? { tls: {} } : {}),
    connectTimeout: timeoutMs,
    // BullMQ's workers wait on blocking reads: their commands must not give up.
    maxRetriesPerRequest: null,
  };
  const cluster = new Cluster(config.nodes, {
    lazyConnect: true,
    // Fail the first connection fast, as with one Redis.
    clusterRetryStrategy: () => null,
    redisOptions,
  });
  cluster.on('error', () => undefined);
  try {
    await cluster.connect();
    await cluster.ping();
    cluster.options.clusterRetryStrategy = reconnectDelay;
    cluster.options.lazyConnect = false;
  } catch (error) {
    cluster.disconnect();
    return { redis: null, producer: null, reason: (error as Error).message };
  }
  const producer = cluster.duplicate([], {
    lazyConnect: true,
    enableOfflineQueue: false,
    redisOptions: { ...redisOptions, maxRetriesPerRequest: 1, commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS },
  });
  return connectProducer(cluster, producer);
}

async function connectProducer(redis: RedisClient, producer: RedisClient): Promise<RedisConnections> {
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
