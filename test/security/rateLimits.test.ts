import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import twilioSdk from 'twilio';
import { signSession } from '../../app/commandCenter/sessionCookie.js';
import { seedOfficer } from '../support/commandCenter.js';
import { createWebApp } from '../../app/createWebApp.js';
import { RecoveringRedisStore } from '../../app/rateLimitRoutes.js';
import { TEST_REDIS_URL } from '../support/testRedis.js';
import { wipeRedisPrefix } from '../support/wipeRedisPrefix.js';
import { FakeTwilioApi } from '../support/fakeTwilio.js';
import { startApp, type TestApp } from '../support/startApp.js';

// Per-client rate limits (issue 15, items 3 and 11): over a limit a request gets 429 with
// Retry-After; with Redis two web processes share the count; a client is its address (behind a
// trusted proxy, X-Forwarded-For), never the handle it types, so a stranger cannot use up an
// officer's sign-ins.

const LIMITS = {
  RATE_LIMIT_WINDOW_SECONDS: '600',
  RATE_LIMIT_LOGIN_REQUEST: '3',
  RATE_LIMIT_LOGIN_VERIFY: '3',
  RATE_LIMIT_OPEN311_READ: '5',
  RATE_LIMIT_OPEN311_WRITE: '2',
  RATE_LIMIT_EVENTS: '2',
  RATE_LIMIT_WEBHOOKS: '4',
  // The test's requests come from 127.0.0.1; X-Forwarded-For then names the client.
  TRUST_PROXY: 'loopback',
};
const SESSION_SECRET = 'limits-test-session-secret-0123456789abcdef';
const TWILIO_AUTH_TOKEN = 'limits-twilio-auth-token-7d1e';
const OFFICER_HANDLE = '+6281100000901';

/** A second web process over the same core and runtime: its own limiters, so only Redis can share a count. */
async function secondWebProcess(app: TestApp): Promise<{ baseUrl: string; server: Server }> {
  const server = createServer(createWebApp(app.core, app.runtime));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const loginRequest = (baseUrl: string, client: string, handle = OFFICER_HANDLE) =>
  fetch(`${baseUrl}/api/login/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ handle }),
  });
const get = (baseUrl: string, path: string, client: string) =>
  fetch(`${baseUrl}${path}`, { headers: { 'x-forwarded-for': client } });

/** The statuses of `count` requests made one after another. */
async function statuses(count: number, request: (i: number) => Promise<Response>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await request(i);
    await res.arrayBuffer();
    seen.push(res.status);
  }
  return seen;
}

describe('rate limits, counted in Redis', () => {
  const twilio = new FakeTwilioApi();
  let app: TestApp;
  let second: { baseUrl: string; server: Server };

  beforeAll(async () => {
    await twilio.start();
    app = await startApp(
      {
        ...LIMITS,
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'4'.repeat(32)}`,
        TWILIO_AUTH_TOKEN,
        SESSION_SECRET,
        TWILIO_FROM: '+15005550006',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    second = await secondWebProcess(app);
  });
  afterAll(async () => {
    second?.server.close();
    if (app?.runtime.redis) await wipeRedisPrefix(app.runtime.redis, app.runtime.keyPrefix);
    await app?.stop();
    await twilio.stop();
  });

  it('answers 429 with Retry-After and an Indonesian message past the sign-in request limit', async () => {
    expect(await statuses(3, () => loginRequest(app.baseUrl, '198.51.100.1'))).toEqual([202, 202, 202]);
    const refused = await loginRequest(app.baseUrl, '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: 'too_many_requests',
      message: expect.stringMatching(/^Terlalu banyak/),
    });
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('counts per client, never per handle: a stranger who used up their own limit on an officer handle does not lock the officer out', async () => {
    expect(await statuses(4, () => loginRequest(app.baseUrl, '203.0.113.66'))).toEqual([202, 202, 202, 429]);
    expect((await loginRequest(app.baseUrl, '192.0.2.10')).status).toBe(202);
  });

  it('shares the count between two web processes through Redis', async () => {
    const bases = [app.baseUrl, second.baseUrl];
    const seen = await statuses(7, (i) => get(bases[i % 2]!, '/open311/v2/services.json', '198.51.100.7'));
    expect(seen).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const keys = await app.runtime.redis!.keys(`${app.runtime.keyPrefix}:rl:open311-read:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('limits Open311 reads and writes apart', async () => {
    const client = '198.51.100.8';
    const post = () =>
      fetch(`${app.baseUrl}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: '{}',
      });
    expect(await statuses(3, post)).toEqual([403, 403, 429]);
    expect((await get(app.baseUrl, '/open311/v2/services.json', client)).status).toBe(200);
  });

  it('limits new event streams and sign-in verification', async () => {
    expect(await statuses(3, () => get(app.baseUrl, '/api/events', '198.51.100.9'))).toEqual([401, 401, 429]);
    const verify = () =>
      fetch(`${app.baseUrl}/api/login/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' },
        body: JSON.stringify({ handle: OFFICER_HANDLE, code: '000000' }),
      });
    expect(await statuses(4, verify)).toEqual([401, 401, 401, 429]);
  });

  it('limits each webhook route on its own, before the signature is checked', async () => {
    const client = '198.51.100.10';
    const post = (path: string) => () =>
      fetch(`${app.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client },
        body: 'From=%2B6281300000003&Body=menu',
      });
    const refused = await statuses(5, post('/webhooks/twilio/sms'));
    expect(refused).toEqual([403, 403, 403, 403, 429]);
    expect((await post('/webhooks/twilio/status')()).status).toBe(403);
  });

  it("never counts a signed-in officer's streams: anonymous streams from the officer's address do not refuse theirs", async () => {
    const client = '198.51.100.12';
    expect(await statuses(3, () => get(app.baseUrl, '/api/events', client))).toEqual([401, 401, 429]);
    const officer = await seedOfficer(app, {
      name: 'Petugas Kantor',
      role: 'officer',
      departmentCode: 'DLH',
      phone: '6281100000912',
    });
    const cookie = `lk_session=${signSession({ sub: officer.id, ver: 0, exp: app.clock.now.getTime() + 3_600_000 }, SESSION_SECRET)}`;
    for (let i = 0; i < 3; i++) {
      const stream = new AbortController();
      const res = await fetch(`${app.baseUrl}/api/events`, {
        headers: { 'x-forwarded-for': client, cookie },
        signal: stream.signal,
      });
      expect(res.status).toBe(200);
      stream.abort();
    }
  });

  it("never refuses a provider's correctly signed call, even from an address that forged ones used up", async () => {
    const client = '198.51.100.13';
    const url = `${app.baseUrl}/webhooks/twilio/sms`;
    const signed = (i: number) => {
      const form = {
        MessageSid: `SM${String(i).padStart(32, '7')}`,
        AccountSid: `AC${'4'.repeat(32)}`,
        From: `+6281300009${String(i).padStart(3, '0')}`,
        To: '+15005550006',
        Body: 'menu',
      };
      return fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': client,
          'x-twilio-signature': twilioSdk.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, url, form),
        },
        body: new URLSearchParams(form).toString(),
      });
    };
    // Forged calls from the address a provider posts from use up the limit on refusals...
    const forged = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': client,
          'x-twilio-signature': 'forged',
        },
        body: 'From=%2B6281300000003&Body=menu',
      });
    expect(await statuses(5, forged)).toEqual([403, 403, 403, 403, 429]);
    // ...and twice the limit of correctly signed messages from it are all still taken.
    expect(await statuses(8, signed)).toEqual(Array(8).fill(200));
    expect(await statuses(1, forged)).toEqual([429]);
  });

  it('does not limit health checks', async () => {
    expect(await statuses(8, () => get(app.baseUrl, '/healthz', '198.51.100.11'))).toEqual(Array(8).fill(200));
  });
});

describe('rate limits without Redis', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ ...LIMITS, REDIS_URL: '' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('count in the process', async () => {
    expect(app.runtime.redis).toBeNull();
    expect(await statuses(6, () => get(app.baseUrl, '/open311/v2/services.json', '198.51.100.20'))).toEqual([
      200, 200, 200, 200, 200, 429,
    ]);
  });
});

describe('the Redis store of the limits', () => {
  it('counts again once Redis is back, after Redis was away when it loaded its scripts', async () => {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    const prefix = `lktest-rl-${process.pid}-${Date.now()}`;
    // Redis away: every command fails as ioredis fails it on a closed connection.
    let away = true;
    const store = new RecoveringRedisStore({
      sendCommand: async (command: string, ...args: string[]) => {
        if (away) throw new Error('Connection is closed.');
        return redis.call(command, ...args) as never;
      },
      prefix: `${prefix}:`,
    });
    await expect(store.init({ windowMs: 60_000 } as never)).rejects.toThrow('Connection is closed.');
    away = false;
    // The first count after the outage fails (and the limiter lets that request through); from
    // the next on, the count is kept again.
    await expect(store.increment('client')).rejects.toThrow();
    expect((await store.increment('client')).totalHits).toBe(1);
    expect((await store.increment('client')).totalHits).toBe(2);
    await wipeRedisPrefix(redis, prefix);
    redis.disconnect();
  });
});
