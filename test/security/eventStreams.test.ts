import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOfficer, signIn } from '../support/commandCenter.js';
import { FakeTwilioApi } from '../support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from '../support/startApp.js';
import { BASE_DELAY_MS, MAX_DELAY_MS, reconnectDelay } from '../../web/reconnectDelay.js';

// The Command Center's event streams over real HTTP against the whole app: no number of TV wall
// or anonymous streams takes a signed-in officer's, an officer over their own share is refused
// while another officer is not, every refusal says when to come back, and a closed stream frees
// its slot.

const PER_OFFICER = 3;
const TV_WALL = 6;
const TV_PER_CLIENT = 2;
/** More than the process-wide 200 the app had before per-viewer budgets. */
const MAX_TRIES = 260;

interface Stream {
  status: number;
  retryAfter: string | undefined;
  close(): void;
}

/**
 * Opens /api/events from `localAddress` (any of 127.0.0.0/8 reaches the app on Linux, so each
 * is a client address of its own); resolves at the answer's head and keeps an accepted stream open.
 */
function openStream(
  app: TestApp,
  options: { cookie?: string; token?: string; localAddress?: string } = {},
): Promise<Stream> {
  const url = new URL('/api/events', app.baseUrl);
  if (options.token !== undefined) url.searchParams.set('token', options.token);
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(url, {
      headers: options.cookie ? { cookie: options.cookie } : {},
      localAddress: options.localAddress ?? '127.0.0.1',
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) res.resume();
      const retryAfter = res.headers['retry-after'];
      resolve({
        status: res.statusCode ?? 0,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        close: () => req.destroy(),
      });
    });
    req.end();
  });
}

describe('event streams per viewer', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let first = '';
  let second = '';
  const open: Stream[] = [];
  const keep = (s: Stream) => {
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: 'event-streams-test-secret-0123456789',
        EVENT_STREAMS_PER_OFFICER: String(PER_OFFICER),
        TV_WALL_STREAMS: String(TV_WALL),
        TV_WALL_STREAMS_PER_CLIENT: String(TV_PER_CLIENT),
      },
      { twilioHttpClient: api.httpClient() },
    );
    const officers = await Promise.all([
      seedOfficer(app, { name: 'Petugas Satu', role: 'officer', departmentCode: 'PUPR', phone: '6281100000201' }),
      seedOfficer(app, { name: 'Petugas Dua', role: 'officer', departmentCode: 'DLH', phone: '6281100000202' }),
    ]);
    first = await signIn(app, api, officers[0]!.phone);
    second = await signIn(app, api, officers[1]!.phone);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await app?.stop();
    await api.stop();
  });

  it('refuses one client address more than its share of the TV wall, with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < TV_PER_CLIENT + 1; i++) {
      const s = keep(await openStream(app, { token: 'x', localAddress: '127.0.3.1' }));
      statuses.push(s.status);
      if (s.status !== 200) expect(Number(s.retryAfter)).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([...Array<number>(TV_PER_CLIENT).fill(200), 429]);
    // Another address of the same wall is not held back by this one.
    expect(keep(await openStream(app, { token: 'x', localAddress: '127.0.3.2' })).status).toBe(200);
  });

  it('gives a signed-in officer a stream when anonymous TV wall streams fill every slot they may take', async () => {
    // Anonymous streams (no TV_WALL_TOKEN: any ?token= is the wall) from ever new addresses, on
    // top of the three the test above keeps open, until the app refuses one.
    let refused: Stream | undefined;
    for (let i = 0; i < MAX_TRIES && !refused; i++) {
      const s = keep(
        await openStream(app, { token: 'x', localAddress: `127.0.${1 + Math.floor(i / 200)}.${(i % 200) + 10}` }),
      );
      if (s.status !== 200) refused = s;
    }
    expect(refused?.status).toBe(503);
    expect(Number(refused?.retryAfter)).toBeGreaterThan(0);
    expect(open.filter((s) => s.status === 200)).toHaveLength(TV_WALL);

    const officer = keep(await openStream(app, { cookie: first }));
    expect(officer.status).toBe(200);
    officer.close();
  });

  it('refuses an officer over their own cap, not another officer, and frees a slot when a stream closes', async () => {
    const mine: Stream[] = [];
    for (let i = 0; i < PER_OFFICER; i++) mine.push(keep(await openStream(app, { cookie: first })));
    expect(mine.map((s) => s.status)).toEqual(Array<number>(PER_OFFICER).fill(200));

    const over = keep(await openStream(app, { cookie: first }));
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    expect(keep(await openStream(app, { cookie: second })).status).toBe(200);

    mine[0]!.close();
    const again = await eventually(async () => {
      const s = await openStream(app, { cookie: first });
      if (s.status === 200) return keep(s);
      s.close();
      return null;
    });
    expect(again.status).toBe(200);
    expect(keep(await openStream(app, { cookie: first })).status).toBe(429);
  });
});

describe("the board's wait before it opens a refused stream again", () => {
  it.each([
    { label: 'the first retry', attempt: 0, ceiling: BASE_DELAY_MS },
    { label: 'the third retry in a row', attempt: 2, ceiling: 4 * BASE_DELAY_MS },
    { label: 'a long refusal', attempt: 40, ceiling: MAX_DELAY_MS },
  ])('waits between half and all of its window on $label', ({ attempt, ceiling }) => {
    expect(reconnectDelay(attempt, () => 0)).toBe(ceiling / 2);
    expect(reconnectDelay(attempt, () => 0.999_999)).toBeLessThanOrEqual(ceiling);
    expect(reconnectDelay(attempt, () => 0.999_999)).toBeGreaterThan(ceiling * 0.99);
  });
});
