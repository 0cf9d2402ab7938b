import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCityData, type CityData } from '../core/city/loadCityData.js';
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../app/connectRedis.js';
import { loadConfig, SETTING_NAMES } from '../core/config/loadConfig.js';
import { clusterKeyPrefix, type RedisConfig } from '../core/config/redisConfig.js';
import type { BenchScale } from './benchScale.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CITY_DIR = path.resolve('city/default');

/**
 * The Redis Cluster the bench runs on instead of REDIS_URL, as `host:port,...`: BENCH_REDIS_CLUSTER_NODES,
 * or the local one `npm run bench -- --redis-cluster` starts. Read when asked, so the flag can set it.
 */
export const benchClusterNodes = (): string | undefined => process.env.BENCH_REDIS_CLUSTER_NODES || undefined;

/** What connectRedis is given: the URL, or the cluster. */
export function benchRedis(): string | RedisConfig {
  const nodes = benchClusterNodes();
  return nodes ? loadConfig({ REDIS_URL, REDIS_CLUSTER_NODES: nodes }).redis! : REDIS_URL;
}

/** The Redis settings of an app process. */
export function benchRedisEnv(): Record<string, string> {
  const nodes = benchClusterNodes();
  return nodes ? { REDIS_URL, REDIS_CLUSTER_NODES: nodes } : { REDIS_URL };
}

/** A key prefix as the app makes it of `prefix`: a hash tag on a cluster. */
export const benchKeyPrefix = (prefix: string): string => (benchClusterNodes() ? clusterKeyPrefix(prefix) : prefix);

/** The servers behind a connection: each master of a cluster, or the one Redis (for CONFIG, SCAN). */
export const redisServers = (redis: RedisClient): Redis[] =>
  'isCluster' in redis && redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];

/** What every measurement shares: the scale, the city, a scratch folder and the clean-up list. */
export class BenchContext {
  readonly city: CityData = loadCityData(CITY_DIR);
  readonly scratch = mkdtempSync(path.join(tmpdir(), 'lk-bench-'));
  /** Tags this run's databases, queue prefixes and files. */
  readonly runId = randomBytes(4).toString('hex');
  private readonly cleanups: Array<{ label: string; run: () => Promise<unknown> }> = [];
  /** Aborted on Ctrl-C: the load loops stop sending, so the clean-up finds nothing new behind it. */
  readonly interrupt = new AbortController();

  constructor(
    readonly scale: BenchScale,
    readonly options: { profile: boolean },
  ) {}

  /** A BullMQ key prefix of this run only. */
  prefix(label: string): string {
    return `bench-${this.runId}-${label}`;
  }

  /** Registers an undo (drop a database, stop a process); undone in reverse order, at the latest at exit. */
  defer(label: string, run: () => Promise<unknown>): () => Promise<void> {
    const entry = { label, run };
    this.cleanups.push(entry);
    return async () => {
      const i = this.cleanups.indexOf(entry);
      if (i < 0) return;
      this.cleanups.splice(i, 1);
      await run();
    };
  }

  async cleanUp(): Promise<void> {
    while (this.cleanups.length > 0) {
      const { label, run } = this.cleanups.pop()!;
      await run().catch((error: unknown) => this.log(`clean-up of ${label} failed: ${(error as Error).message}`));
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }

  log(line: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  }

  /**
   * The environment of an app process: the parent's, without any LayanKota setting it may carry
   * (a developer's .env), plus the given ones.
   */
  appEnv(settings: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !(SETTING_NAMES as readonly string[]).includes(key)) env[key] = value;
    }
    return { ...env, ...settings };
  }
}
