import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRuntime, type Runtime } from '../../app/createRuntime.js';
import { CHANNEL_CAPABILITIES } from '../../bots/channels.js';
import type { ProviderOverrides } from '../../bots/registry.js';
import { boot, type Core } from '../../core/boot.js';
import { loadConfig } from '../../core/config/loadConfig.js';
import { captureLogger } from './silentLogger.js';
import { TEST_REDIS_URL } from './testRedis.js';

export interface WorkerProcess {
  core: Core;
  runtime: Runtime;
  logLines: string[];
  /** Stops this process's workers and connections; the database and the Redis keys stay. */
  stop(): Promise<void>;
}

/**
 * One process of the app with the worker role (boot with migrations, the runtime on the real
 * Redis, its workers started: the outbox, the SLA timers and the reconciler) on a database and a
 * BullMQ prefix the test owns. Start it again on the same database and prefix to see what a
 * process restarted after a crash sees. Only the providers' hosts are swapped for local fakes.
 */
export async function startWorkerProcess(options: {
  databaseUrl: string;
  queuePrefix: string;
  clock: { now: Date };
  env?: Record<string, string>;
  overrides?: ProviderOverrides;
}): Promise<WorkerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lk-worker-'));
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    // Only the status callback of an SMS names it; nothing is served here.
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'debug',
    ROLES: 'worker',
    ...options.env,
  });
  const { logger, lines } = captureLogger();
  const { clock } = options;
  const core = await boot(config, { logger, clock: () => clock.now, channels: CHANNEL_CAPABILITIES });
  const runtime = await createRuntime(core, { overrides: options.overrides, queuePrefix: options.queuePrefix });
  runtime.startWorker();
  return {
    core,
    runtime,
    logLines: lines,
    async stop() {
      await runtime.close();
      await core.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
