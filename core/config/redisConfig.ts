import { z } from 'zod';

/** One server's address, as REDIS_CLUSTER_NODES and REDIS_SENTINELS list them. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Where the queues and SLA timers live: one Redis (REDIS_URL), a Redis Cluster
 * (REDIS_CLUSTER_NODES) or a master found through Redis Sentinel (REDIS_SENTINELS). With a
 * cluster or Sentinel, REDIS_URL (optional) gives only the credentials, TLS (`rediss://`) and, for
 * Sentinel, the database; its host is not used.
 */
export type RedisConfig = {
  /** Prefix of every key LayanKota makes; on a cluster it becomes a hash tag (see clusterKeyPrefix). */
  keyPrefix: string;
  /** Of the Redis servers themselves (not the Sentinels). */
  username?: string | undefined;
  password?: string | undefined;
  tls: boolean;
  db: number;
} & (
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: HostPort[] }
  | { mode: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword: string | undefined }
);

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;

const hostPortList = z
  .string()
  .transform((value, ctx) => {
    const parts = value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const nodes = parts.map((p) => HOST_PORT.exec(p));
    if (parts.length === 0 || nodes.some((m) => !m || Number(m[2]) < 1 || Number(m[2]) > 65535)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a comma-separated list of host:port, e.g. redis-1:6379,redis-2:6379',
      });
      return z.NEVER;
    }
    return nodes.map((m) => ({ host: m![1]!.replace(/^\[|\]$/g, ''), port: Number(m![2]) }));
  })
  .optional();

/** The Redis settings of the environment's schema. */
export const redisSettings = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  REDIS_CLUSTER_NODES: hostPortList,
  REDIS_SENTINELS: hostPortList,
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[\w.-]+$/, 'must be the master name of the Sentinel configuration, such as mymaster')
    .optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(
      /^[\w.-]*(\{[\w.-]+\}[\w.-]*)?$/,
      'must be letters, digits, _ . and -, with at most one {hash tag}, such as layankota or {layankota}',
    )
    .default('layankota'),
};

type RedisEnv = z.infer<ReturnType<typeof z.object<typeof redisSettings>>>;

/** The checks across Redis settings, for the schema's superRefine. */
export function checkRedisSettings(e: RedisEnv, ctx: z.RefinementCtx): void {
  const issue = (path: keyof RedisEnv, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (e.REDIS_CLUSTER_NODES && e.REDIS_SENTINELS)
    issue('REDIS_SENTINELS', 'cannot be set with REDIS_CLUSTER_NODES: a Redis Cluster fails over by itself');
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME)
    issue('REDIS_SENTINEL_NAME', 'is required when REDIS_SENTINELS is set (the master name Sentinel monitors)');
  if (!e.REDIS_SENTINELS) {
    if (e.REDIS_SENTINEL_NAME) issue('REDIS_SENTINEL_NAME', 'has no effect without REDIS_SENTINELS');
    if (e.REDIS_SENTINEL_PASSWORD) issue('REDIS_SENTINEL_PASSWORD', 'has no effect without REDIS_SENTINELS');
  }
  if (e.REDIS_URL) {
    let url: URL | undefined;
    try {
      url = new URL(e.REDIS_URL);
    } catch {
      issue('REDIS_URL', 'is not a valid URL');
    }
    const db = url?.pathname.replace(/^\//, '') ?? '';
    if (db !== '' && !/^\d+$/.test(db)) issue('REDIS_URL', 'must name a database by its number (redis://host:6379/0)');
    else if (e.REDIS_CLUSTER_NODES && db !== '' && db !== '0')
      issue('REDIS_URL', 'must not name a database other than 0 with REDIS_CLUSTER_NODES: a cluster has only 0');
  }
}

export function redisConfig(e: RedisEnv): RedisConfig | null {
  const url = e.REDIS_URL ? new URL(e.REDIS_URL) : undefined;
  const common = {
    keyPrefix: e.REDIS_KEY_PREFIX,
    username: url?.username ? decodeURIComponent(url.username) : undefined,
    password: url?.password ? decodeURIComponent(url.password) : undefined,
    tls: url?.protocol === 'rediss:',
    db: Number(url?.pathname.replace(/^\//, '') || 0),
  };
  if (e.REDIS_CLUSTER_NODES) return { ...common, mode: 'cluster', nodes: e.REDIS_CLUSTER_NODES };
  if (e.REDIS_SENTINELS)
    return {
      ...common,
      mode: 'sentinel',
      sentinels: e.REDIS_SENTINELS,
      name: e.REDIS_SENTINEL_NAME!,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
    };
  if (e.REDIS_URL) return { ...common, mode: 'single', url: e.REDIS_URL };
  return null;
}

/**
 * The key prefix to use on a Redis Cluster: a hash tag, so that every key of a queue (BullMQ's
 * scripts touch several at once) and every key of ours beside them is in one slot. A prefix with
 * a hash tag of its own is kept; `layankota` becomes `{layankota}`.
 */
export function clusterKeyPrefix(prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}
