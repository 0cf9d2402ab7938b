import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCityData, type CityData } from '../core/city/loadCityData.js';
import { SETTING_NAMES } from '../core/config/loadConfig.js';
import type { BenchScale } from './benchScale.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CITY_DIR = path.resolve('city/default');

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
