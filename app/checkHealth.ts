import { readFile } from 'node:fs/promises';
import type { Config } from '../core/config/loadConfig.js';
import type { HealthFileContent } from './healthFileWriter.js';

/**
 * A worker whose last heartbeat is older than this is unhealthy: it beats every 5 s
 * (OutboxRelay), so this is six beats missed (its database away, or the process stuck).
 */
export const MAX_BEAT_AGE_MS = 30_000;

export interface HealthCheck {
  role: 'web' | 'worker';
  ok: boolean;
  detail: string;
}

export interface HealthReport {
  healthy: boolean;
  checks: HealthCheck[];
}

export interface HealthOptions {
  /** How long the web role may take to answer. Default 5 s. */
  timeoutMs?: number;
  maxBeatAgeMs?: number;
  now?: () => number;
}

/**
 * Whether this machine's LayanKota process is healthy, by what each of its roles keeps alive:
 * the web role must answer `GET /healthz` with 200 (it asks its database); the worker role must
 * have written a heartbeat the database took (see healthFileWriter) within `MAX_BEAT_AGE_MS`,
 * from a process that still runs. The bot role keeps nothing to look at.
 *
 * @example const { healthy, checks } = await checkHealth(loadConfig());
 */
export async function checkHealth(
  config: Pick<Config, 'roles' | 'port' | 'healthFile'>,
  options: HealthOptions = {},
): Promise<HealthReport> {
  const checks: HealthCheck[] = [];
  if (config.roles.includes('web')) checks.push(await checkWeb(config.port, options.timeoutMs ?? 5000));
  if (config.roles.includes('worker')) {
    checks.push(await checkWorker(config.healthFile, options.maxBeatAgeMs ?? MAX_BEAT_AGE_MS, options.now ?? Date.now));
  }
  return { healthy: checks.every((c) => c.ok), checks };
}

async function checkWeb(port: number, timeoutMs: number): Promise<HealthCheck> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => null)) as { status?: unknown } | null;
    const ok = response.status === 200 && body?.status === 'ok';
    return { role: 'web', ok, detail: `GET /healthz on port ${port}: ${response.status} ${String(body?.status)}` };
  } catch (error) {
    const reason = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return { role: 'web', ok: false, detail: `GET /healthz on port ${port}: ${reason}` };
  }
}

async function checkWorker(file: string | undefined, maxAgeMs: number, now: () => number): Promise<HealthCheck> {
  if (!file) return { role: 'worker', ok: false, detail: 'HEALTH_FILE is not set: no heartbeat to look at' };
  let beat: HealthFileContent;
  try {
    beat = JSON.parse(await readFile(file, 'utf8')) as HealthFileContent;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      role: 'worker',
      ok: false,
      detail: code === 'ENOENT' ? `no heartbeat yet in ${file}` : `${file} unreadable: ${(error as Error).message}`,
    };
  }
  const age = now() - Date.parse(beat.beatAt);
  if (!Number.isFinite(age)) return { role: 'worker', ok: false, detail: `${file} holds no heartbeat time` };
  if (!isRunning(beat.pid))
    return { role: 'worker', ok: false, detail: `process ${beat.pid} of the last heartbeat is gone` };
  const seconds = `${Math.round(age / 1000)} s ago`;
  return age <= maxAgeMs
    ? { role: 'worker', ok: true, detail: `heartbeat ${seconds} (process ${beat.pid})` }
    : {
        role: 'worker',
        ok: false,
        detail: `last heartbeat ${seconds}, over ${maxAgeMs / 1000} s (process ${beat.pid})`,
      };
}

function isRunning(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
