import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../app/createRuntime.js';
import { createWebApp } from '../app/createWebApp.js';
import { boot, type Core } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { captureLogger } from './support/silentLogger.js';

// The default city's holidays reach 31 Dec 2027. With the clock injected, the start warns in the
// log and /healthz lists it once fewer than 60 days are left, and says nothing before.

const ROOT = path.resolve(import.meta.dirname, '..');

describe('a holiday calendar about to run out, at start and on /healthz', () => {
  let core: Core | undefined;
  let runtime: Runtime | undefined;
  let server: Server | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    server?.close();
    await runtime?.close();
    await core?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(now: Date) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lk-calendar-'));
    // PGlite under DATA_DIR and no Redis: nothing here needs more.
    const config = loadConfig({ DATA_DIR: dataDir, CITY_DATA_DIR: path.join(ROOT, 'city/default'), LOG_LEVEL: 'info' });
    const captured = captureLogger();
    const clock = { now };
    core = await boot(config, { logger: captured.logger, clock: () => clock.now });
    runtime = await createRuntime(core, { notice: () => undefined });
    server = createServer(createWebApp(core, runtime)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    const health = async () => (await fetch(url)).json() as Promise<{ status: string; warnings?: string[] }>;
    return { lines: captured.lines.map((l) => JSON.parse(l) as Record<string, unknown>), health, clock };
  }

  it('in December 2026 says nothing', async () => {
    const { lines, health } = await start(new Date('2026-12-02T03:00:00Z'));
    expect(lines.filter((l) => l.msg === 'city data needs attention')).toEqual([]);
    expect(await health()).toEqual({ status: 'ok', database: 'pglite', queues: 'in-process' });
  });

  it('on 15 Nov 2027 warns at start and on /healthz, which follows the clock into 2028', async () => {
    const { lines, health, clock } = await start(new Date('2027-11-15T03:00:00Z'));
    const warnings = lines.filter((l) => l.msg === 'city data needs attention');
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 40,
        warning: expect.stringMatching(/^city\.json: the holiday calendar ends on 2027-12-31, in 46 days: .* of 2028/),
      }),
    ]);
    expect(await health()).toMatchObject({ status: 'ok', warnings: [warnings[0]!.warning] });

    clock.now = new Date('2028-01-03T03:00:00Z');
    expect((await health()).warnings).toEqual([expect.stringMatching(/ended on 2027-12-31, 3 days ago/)]);
  });
});
