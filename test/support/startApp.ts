import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHANNEL_CAPABILITIES } from '../../bots/channels.js';
import { createMediaFetcher, type ProviderOverrides } from '../../bots/registry.js';
import type { WhatsAppWebMediaClient } from '../../bots/whatsapp/web/createWebMediaFetcher.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../app/createRuntime.js';
import { createWebApp } from '../../app/createWebApp.js';
import { startBotRole } from '../../app/startBotRole.js';
import { boot, type Core } from '../../core/boot.js';
import { loadConfig } from '../../core/config/loadConfig.js';
import { captureLogger } from './silentLogger.js';
import { TEST_REDIS_URL } from './testRedis.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

/** The per-client rate limits, each set far out of reach unless a test gives its own. */
const RATE_LIMIT_SETTINGS = [
  'RATE_LIMIT_LOGIN_REQUEST',
  'RATE_LIMIT_LOGIN_VERIFY',
  'RATE_LIMIT_OPEN311_READ',
  'RATE_LIMIT_OPEN311_WRITE',
  'RATE_LIMIT_EVENTS',
  'RATE_LIMIT_WEBHOOKS',
];

export interface TestApp {
  core: Core;
  runtime: Runtime;
  db: TestDatabase;
  baseUrl: string;
  logLines: string[];
  /** Moves the app's clock. */
  clock: { now: Date };
  stop(): Promise<void>;
}

/**
 * The whole app as production wires it (config from an environment, boot with migrations, the
 * runtime with BullMQ on the real Redis, the express app on a free port, the bot role's channel
 * connections), on a fresh PostgreSQL database. Only the providers' hosts are swapped for local fakes.
 */
export async function startApp(
  /** Settings over the defaults; a function is given the fresh database first (its URL, say). */
  env: Record<string, string> | ((db: TestDatabase) => Record<string, string>),
  overrides: ProviderOverrides = {},
  /** The bot role's whatsapp-web.js client, built by the test and never initialized. */
  runtimeOptions: {
    whatsappWebClient?: NonNullable<RuntimeOptions['whatsappWebClient']> & WhatsAppWebMediaClient;
  } = {},
): Promise<TestApp> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = await createTestDatabase('postgresql', { migrated: false });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lk-app-'));
  const config = loadConfig({
    DATABASE_URL: db.url!,
    DATA_DIR: dataDir,
    // Tests run at any hour: the default city without quiet hours, unless a test brings its own city.
    CITY_DATA_DIR: cityWithoutQuietHours(dataDir),
    REDIS_URL: TEST_REDIS_URL,
    PUBLIC_BASE_URL: baseUrl,
    LOG_LEVEL: 'debug',
    // Every test's requests come from 127.0.0.1, one client to the per-client rate limits: out of
    // the way here, and set by test/security/rateLimits.test.ts, which tests them.
    ...Object.fromEntries(RATE_LIMIT_SETTINGS.map((name) => [name, '1000000'])),
    ...(typeof env === 'function' ? env(db) : env),
  });
  const { logger, lines } = captureLogger();
  const clock = { now: new Date() };
  const core = await boot(config, {
    logger,
    clock: () => clock.now,
    fetchMedia: createMediaFetcher(config, {
      whatsappWebClient: runtimeOptions.whatsappWebClient,
      fetch: overrides.fetch,
    }),
    channels: CHANNEL_CAPABILITIES,
  });
  const runtime = await createRuntime(core, {
    ...runtimeOptions,
    overrides,
    queuePrefix: `lktest-${randomBytes(4).toString('hex')}`,
  });
  runtime.startWorker();
  server.on('request', createWebApp(core, runtime));
  const stopBot = await startBotRole(core, runtime);
  return {
    core,
    runtime,
    db,
    baseUrl,
    logLines: lines,
    clock,
    async stop() {
      await stopBot();
      server.close();
      await runtime.close();
      await core.close().catch(() => undefined);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of city/default whose quiet hours are empty, so SMS notifications do not wait for the
 * morning when the suite happens to run at night (Jakarta time), and whose status notices go at
 * once. Quiet hours and the notices' hold have tests of their own.
 */
export function cityWithoutQuietHours(dir: string): string {
  const city = path.join(dir, 'city');
  mkdirSync(city, { recursive: true });
  for (const file of ['departments.json', 'permit-types.json', 'boundary.geojson'])
    copyFileSync(path.join('city/default', file), path.join(city, file));
  const profile = JSON.parse(readFileSync('city/default/city.json', 'utf8')) as {
    notifications: { quietHours: unknown; coalesceSeconds?: number };
  };
  profile.notifications.quietHours = { start: '00:00', end: '00:00' };
  // Status notices go at once, as most tests expect; their hold has tests of its own.
  profile.notifications.coalesceSeconds = 0;
  writeFileSync(path.join(city, 'city.json'), JSON.stringify(profile));
  return city;
}

/** Waits until `check` returns a truthy value, polling; fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
