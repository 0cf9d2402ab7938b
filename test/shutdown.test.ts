import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from './support/AppProcess.js';
import { freePort } from './support/freePort.js';
import { PrivateRedis } from './support/PrivateRedis.js';
import { eventually } from './support/startApp.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

const TV_TOKEN = 'shutdown-tv-wall-token-2026-abcdef';
/** What issue 19 asks of a stop with a board open: the process gone within 5 s of SIGTERM. */
const EXIT_WITHIN_MS = 5000;

/** An event stream opened with plain http: what it received, and whether the server ended it. */
class Stream {
  body = '';
  ended = false;
  private readonly request: http.ClientRequest;

  constructor(url: string) {
    this.request = http.get(url, { agent: new http.Agent({ keepAlive: true }) }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (this.body += chunk));
      res.on('end', () => (this.ended = true));
    });
    this.request.on('error', () => undefined);
  }

  destroy(): void {
    this.request.destroy();
  }
}

// The app as production runs it (app/main.ts in a process of its own) with TV wall screens
// open: SIGTERM tells each stream to reconnect, ends it, and the process exits on its own.
describe('SIGTERM with event streams open', () => {
  const redis = new PrivateRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-shutdown-'));
  let db: TestDatabase;
  let port = 0;
  const streams: Stream[] = [];
  const exits: number[] = [];

  const appWith = (label: string, roles: Record<string, string>) =>
    new AppProcess(
      label,
      {
        DATABASE_URL: db.url!,
        REDIS_URL: redis.url,
        DATA_DIR: path.join(dir, 'data'),
        PORT: String(port),
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'info',
        TV_WALL_TOKEN: TV_TOKEN,
        ...roles,
      },
      path.join(dir, `${label}.log`),
    );

  const openStream = async () => {
    const stream = new Stream(`http://127.0.0.1:${port}/api/events?token=${TV_TOKEN}`);
    streams.push(stream);
    await eventually(() => stream.body.includes('event: hello'), 30_000);
    return stream;
  };

  /** SIGTERM, then what the streams got and how the process ended. */
  const stopWithStreamsOpen = async (app: AppProcess, open: Stream[]) => {
    const ended = await app.kill('SIGTERM', 30_000);
    exits.push(ended.ms);
    for (const stream of open) {
      expect(stream.body).toMatch(/event: bye\nretry: \d+\ndata: \{"reconnect":true\}\n\n$/);
      expect(stream.ended).toBe(true);
    }
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: 0, signal: null });
    expect(ended.ms, app.tail()).toBeLessThan(EXIT_WITHIN_MS);
    const log = app.log();
    expect(log).toContain('"reason":"SIGTERM","msg":"LayanKota stopping"');
    expect(log).toContain(`"streams":${open.length},"msg":"web role stopping: event streams told to reconnect"`);
    expect(log).toContain('"msg":"LayanKota stopped"');
    expect(log).not.toContain('did not stop in time');
  };

  beforeAll(async () => {
    await redis.start();
    db = await createTestDatabase('postgresql');
    port = await freePort();
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.destroy();
    console.log(`SIGTERM to exit with streams open (ms): ${exits.join(', ')}`);
    await redis.kill();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('web role: two open streams get bye and end, and the process exits 0 within 5 s', async () => {
    const app = appWith('web', { ROLES: 'web' });
    await app.start();
    const open = [await openStream(), await openStream()];
    await stopWithStreamsOpen(app, open);
  }, 150_000);

  it('every role (web, worker, bot) by default: an open stream gets bye, and the process exits 0 within 5 s', async () => {
    const app = appWith('all', {});
    await app.start();
    await eventually(() => app.log().includes('"roles":["web","worker","bot"]'), 5_000);
    const open = [await openStream()];
    await stopWithStreamsOpen(app, open);
  }, 150_000);
});
