import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth } from '../app/checkHealth.js';
import { healthFileWriter } from '../app/healthFileWriter.js';
import { AppProcess } from './support/AppProcess.js';
import { freePort } from './support/freePort.js';
import { PgProxy } from './support/PgProxy.js';
import { captureLogger } from './support/silentLogger.js';
import { eventually } from './support/startApp.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

interface Ran {
  code: number | null;
  output: string;
}

/** The image's HEALTHCHECK as Docker runs it: a process of its own with the container's environment. */
async function runHealthcheck(env: Record<string, string>): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/healthcheck.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** Runs the check until it exits with `code` (a heartbeat or a pool takes a few seconds to follow). */
async function healthcheckUntil(code: number, env: Record<string, string>, timeoutMs = 60_000): Promise<Ran> {
  let last: Ran = { code: null, output: '' };
  try {
    return await eventually(async () => {
      last = await runHealthcheck(env);
      return last.code === code ? last : null;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`health check never exited ${code}; last: ${JSON.stringify(last)}`, { cause: error });
  }
}

describe('the image health check (app/healthcheck.ts) beside the app', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-healthcheck-'));
  const healthFile = path.join(dir, 'run', 'health.json');
  const proxy = new PgProxy();
  let db: TestDatabase;
  let app: AppProcess;
  let port = 0;
  let env: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    await proxy.start();
    port = await freePort();
    env = {
      DATABASE_URL: proxy.url(db.url!),
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(port),
      HEALTH_FILE: healthFile,
      LOG_LEVEL: 'info',
    };
    // Both roles in one process (no Redis: the in-process outbox): the check is run with the
    // web role's, the worker's, or both roles' environment against it.
    app = new AppProcess('app', { ...env, ROLES: 'web,worker' }, path.join(dir, 'app.log'));
    await app.start();
  }, 180_000);

  afterAll(async () => {
    await app?.kill('SIGKILL');
    await proxy.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 for a running web and worker, with a line per role', async () => {
    const ran = await healthcheckUntil(0, { ...env, ROLES: 'web,worker' });
    expect(ran.output).toMatch(new RegExp(`^web: ok: GET /healthz on port ${port}: 200 ok$`, 'm'));
    expect(ran.output).toMatch(/^worker: ok: heartbeat \d+ s ago \(process \d+\)$/m);
    expect(ran.output).toContain(`(process ${app.pid})`);
  }, 90_000);

  it('exits 1 when nothing is there: no web role on the port, no heartbeat file, no HEALTH_FILE', async () => {
    const nothingOnPort = await runHealthcheck({ ...env, ROLES: 'web', PORT: String(await freePort()) });
    expect(nothingOnPort.code).toBe(1);
    expect(nothingOnPort.output).toMatch(/^web: FAILED: GET \/healthz on port \d+: ECONNREFUSED$/m);

    const noFile = await runHealthcheck({ ...env, ROLES: 'worker', HEALTH_FILE: path.join(dir, 'none.json') });
    expect(noFile).toEqual({ code: 1, output: `worker: FAILED: no heartbeat yet in ${path.join(dir, 'none.json')}\n` });

    const notSet = await runHealthcheck({ ...env, ROLES: 'worker', HEALTH_FILE: '' });
    expect(notSet).toEqual({ code: 1, output: 'worker: FAILED: HEALTH_FILE is not set: no heartbeat to look at\n' });
  }, 90_000);

  it('exits 1 for a web role that answers /healthz with anything but 200 ok', async () => {
    const standIn: Server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable"}');
    });
    standIn.listen(0, '127.0.0.1');
    await once(standIn, 'listening');
    try {
      const ran = await runHealthcheck({ ...env, ROLES: 'web', PORT: String((standIn.address() as AddressInfo).port) });
      expect(ran.code).toBe(1);
      expect(ran.output).toMatch(/^web: FAILED: GET \/healthz on port \d+: 503 unavailable$/m);
    } finally {
      standIn.close();
    }
  }, 60_000);

  it('exits 1 for a heartbeat too old, or of a process that is gone', async () => {
    const file = path.join(dir, 'written.json');
    // This test's own process is alive: only the age decides.
    writeFileSync(file, JSON.stringify({ pid: process.pid, beatAt: new Date(Date.now() - 31_000).toISOString() }));
    const old = await runHealthcheck({ ...env, ROLES: 'worker', HEALTH_FILE: file });
    expect(old.code).toBe(1);
    expect(old.output).toMatch(/^worker: FAILED: last heartbeat 3\d s ago, over 30 s/m);

    writeFileSync(file, JSON.stringify({ pid: process.pid, beatAt: new Date().toISOString() }));
    expect((await runHealthcheck({ ...env, ROLES: 'worker', HEALTH_FILE: file })).code).toBe(0);

    const gone = spawn(process.execPath, ['-e', '0']);
    await once(gone, 'exit');
    writeFileSync(file, JSON.stringify({ pid: gone.pid, beatAt: new Date().toISOString() }));
    const ran = await runHealthcheck({ ...env, ROLES: 'worker', HEALTH_FILE: file });
    expect(ran).toEqual({ code: 1, output: `worker: FAILED: process ${gone.pid} of the last heartbeat is gone\n` });
  }, 60_000);

  it('fails both roles while the database is away, and passes again once it is back', async () => {
    await healthcheckUntil(0, { ...env, ROLES: 'web,worker' });
    await proxy.cut();
    try {
      const web = await healthcheckUntil(1, { ...env, ROLES: 'web' });
      expect(web.output).toMatch(/^web: FAILED: GET \/healthz on port \d+: 503 unavailable$/m);
      // The worker's heartbeat (every 5 s) no longer reaches the database, so it is not written:
      // with a limit of 8 s instead of 30 the check sees it go stale soon.
      const worker = await eventually(async () => {
        const report = await checkHealth({ roles: ['worker'], port, healthFile }, { maxBeatAgeMs: 8000 });
        return report.healthy ? null : report;
      }, 60_000);
      expect(worker.checks[0]!.detail).toMatch(/^last heartbeat \d+ s ago, over 8 s/);
    } finally {
      await proxy.resume();
    }
    await healthcheckUntil(0, { ...env, ROLES: 'web,worker' });
    // Beating again: written within a few seconds of the database's return.
    await eventually(async () => {
      const report = await checkHealth({ roles: ['worker'], port, healthFile }, { maxBeatAgeMs: 8000 });
      return report.healthy;
    }, 60_000);
  }, 180_000);

  it('exits 1 for both roles once the process is killed', async () => {
    await healthcheckUntil(0, { ...env, ROLES: 'web,worker' });
    await app.kill('SIGKILL');
    const ran = await runHealthcheck({ ...env, ROLES: 'web,worker' });
    expect(ran.code).toBe(1);
    expect(ran.output).toMatch(/^web: FAILED: GET \/healthz on port \d+: ECONNREFUSED$/m);
    expect(ran.output).toMatch(new RegExp(`^worker: FAILED: process ${app.pid} of the last heartbeat is gone$`, 'm'));
  }, 60_000);
});

describe('healthFileWriter', () => {
  it('writes the heartbeat whole; a failed write is logged once and tried again at the next beat', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lk-healthfile-'));
    try {
      // A file where the writer needs a folder: every write fails until it is removed.
      writeFileSync(path.join(dir, 'run'), 'in the way');
      const file = path.join(dir, 'run', 'health.json');
      const { logger, lines } = captureLogger();
      const beat = healthFileWriter(file, logger);
      for (let i = 0; i < 3; i++) {
        beat();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const warnings = lines.filter((l) => l.includes('HEALTH_FILE not written'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, reason: expect.stringMatching(/EEXIST|ENOTDIR/) });

      rmSync(path.join(dir, 'run'));
      const before = Date.now();
      beat();
      const written = await eventually(() => {
        try {
          return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; beatAt: string };
        } catch {
          return null;
        }
      });
      expect(written.pid).toBe(process.pid);
      expect(Date.parse(written.beatAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(readdirSync(path.join(dir, 'run'))).toEqual(['health.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
