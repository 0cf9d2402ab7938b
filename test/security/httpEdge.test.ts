import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { startApp, type TestApp } from '../support/startApp.js';

// The holes a hostile review found at the HTTP edge (issue 15, items 1, 10, 11), over real HTTP
// against the whole app: body-parser errors answered 500 and logged whole, odd requests that got
// 500, a Twilio sender without a number stored as an identity, no nosniff.

const AUTH_TOKEN = 'edge-twilio-auth-token-5f0c2a91';
const API_KEY = 'edge-open311-key-0123456789abcdef';
const TWILIO_FROM = '+15005550006';
/** Planted in malformed bodies: none may reach the log. */
const PLANTED = {
  phone: '081377771234',
  email: 'siti.rahma@example.org',
  name: 'Siti Rahmawati',
  handle: '+6281100000777',
  code: '482913',
};

describe('the HTTP edge', () => {
  const twilio = new FakeTwilioApi();
  let app: TestApp;
  let serial = 0;

  const send = (path: string, init: RequestInit) => fetch(`${app.baseUrl}${path}`, init);
  const storedCounts = async () => {
    const prisma = app.core.db.prisma;
    return {
      processed: await prisma.processedInbound.count(),
      identities: await prisma.channelIdentity.count(),
      citizens: await prisma.citizen.count(),
      outbox: await prisma.outboxMessage.count(),
    };
  };
  const twilioSms = (form: Record<string, string>) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, 'e')}`,
      To: TWILIO_FROM,
      Body: 'menu',
      ...form,
    });

  beforeAll(async () => {
    await twilio.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'5'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM,
        SMS_RATE_PER_SECOND: '50',
        OPEN311_API_KEYS: API_KEY,
        SESSION_SECRET: 'edge-test-session-secret-0123456789abcdef',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await twilio.stop();
  });

  describe('a body the app cannot read keeps its 4xx and is logged without its body', () => {
    const trailingComma = `{"api_key":"${API_KEY}","service_code":"jalan","phone":"${PLANTED.phone}","email":"${PLANTED.email}","first_name":"${PLANTED.name}",}`;
    it.each([
      {
        label: 'Open311 POST with a trailing comma',
        path: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/json' },
        body: trailingComma,
        status: 400,
        errorType: 'entity.parse.failed',
      },
      {
        label: 'login verify with a trailing comma',
        path: '/api/login/verify',
        headers: { 'content-type': 'application/json' },
        body: `{"handle":"${PLANTED.handle}","code":"${PLANTED.code}",}`,
        status: 400,
        errorType: 'entity.parse.failed',
      },
      {
        label: 'login request too large',
        path: '/api/login/request',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle: PLANTED.handle, pad: 'x'.repeat(10_000) }),
        status: 413,
        errorType: 'entity.too.large',
      },
      {
        label: 'a gzip body that is not gzip',
        path: '/api/login/verify',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: `{"handle":"${PLANTED.handle}","code":"${PLANTED.code}"}`,
        status: 400,
        errorType: 'request.invalid',
      },
      {
        label: 'an encoding body-parser does not know',
        path: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
        body: trailingComma,
        status: 415,
        errorType: 'encoding.unsupported',
      },
      {
        label: 'a charset body-parser does not know',
        path: '/api/login/verify',
        headers: { 'content-type': 'application/json; charset=koi8-r' },
        body: `{"handle":"${PLANTED.handle}","code":"${PLANTED.code}"}`,
        status: 415,
        errorType: 'charset.unsupported',
      },
    ])('$label: $status', async ({ path, headers, body, status, errorType }) => {
      const logged = app.logLines.length;
      const res = await send(path, { method: 'POST', headers: headers as Record<string, string>, body });
      expect(res.status).toBe(status);
      const answer = await res.text();
      expect(answer.length).toBeLessThan(200);
      for (const value of [...Object.values(PLANTED), API_KEY]) expect(answer).not.toContain(value);
      const lines = app.logLines.slice(logged);
      const refused = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'request refused');
      expect(refused).toMatchObject({ status, path });
      // A gzip error's type is zlib's; the others are body-parser's own.
      if (errorType !== 'request.invalid') expect(refused?.errorType).toBe(errorType);
      const text = lines.join('\n');
      for (const value of [...Object.values(PLANTED), API_KEY]) expect(text).not.toContain(value);
      expect(lines.some((l) => l.includes('"level":50'))).toBe(false);
    });
  });

  describe('odd requests are refused, never 500', () => {
    it.each([
      ['a cookie with a bad %-escape', '/api/me', { cookie: 'lk_session=%E0%A4%A' }, 401],
      ['a cookie that is only a %', '/api/cases', { cookie: 'lk_session=%' }, 401],
      ['an Open311 id with a NUL', '/open311/v2/requests/%00.json', {}, 404],
      ['an Open311 id far too long', `/open311/v2/requests/${'A'.repeat(5000)}.json`, {}, 404],
      ['an Open311 start date in the year 99999', '/open311/v2/requests.json?start_date=99999-01-01', {}, 400],
      ['an Open311 end date of -1', '/open311/v2/requests.json?end_date=-1', {}, 400],
      ['an Open311 date that is not one', '/open311/v2/requests.json?start_date=yesterday', {}, 400],
      ['an Open311 service code with a NUL', '/open311/v2/requests.json?service_code=jalan%00', {}, 400],
      ['an Open311 id list with a NUL', '/open311/v2/requests.json?service_request_id=A1%00,B2', {}, 200],
      ['repeated Open311 dates', '/open311/v2/requests.json?start_date=2026-01-01&start_date=2026-02-01', {}, 400],
    ])('%s', async (_label, path, headers, status) => {
      const res = await send(path, { headers });
      expect(res.status).toBe(status);
    });

    it.each(['/api/nothing-here', '/api/%'])(
      'an unknown API path %s answers as the API does, in JSON',
      async (path) => {
        const res = await send(path, {});
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toMatchObject({ error: expect.any(String) });
      },
    );

    it.each([
      ['an empty From', { From: '' }],
      ['a From without a digit', { From: 'TELKOMSEL' }],
      ['a From that is only a plus', { From: '+' }],
      ['a From longer than any number', { From: `+${'6'.repeat(30)}` }],
    ])('a signed Twilio SMS with %s: empty TwiML, nothing stored', async (_label, form) => {
      const before = await storedCounts();
      const res = await twilioSms(form);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<Response></Response>');
      expect(await storedCounts()).toEqual(before);
      expect(await app.core.db.prisma.channelIdentity.count({ where: { address: '' } })).toBe(0);
    });

    it('a signed Twilio SMS with From repeated (a list): empty TwiML, nothing stored', async () => {
      const before = await storedCounts();
      const body = new URLSearchParams([
        ['MessageSid', `SM${String(++serial).padStart(32, 'f')}`],
        ['From', '+6281300000001'],
        ['From', '+6281300000002'],
        ['Body', 'menu'],
      ]);
      const { default: twilioSdk } = await import('twilio');
      const url = `${app.baseUrl}/webhooks/twilio/sms`;
      const signature = twilioSdk.getExpectedTwilioSignature(AUTH_TOKEN, url, {
        MessageSid: body.get('MessageSid')!,
        From: body.getAll('From'),
        Body: 'menu',
      } as unknown as Record<string, string>);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: body.toString(),
      });
      expect(res.status).toBe(200);
      expect(await storedCounts()).toEqual(before);
    });

    it('a signed Twilio status report with fields repeated or named after Object.prototype: 204, no 500', async () => {
      for (const form of [
        { MessageSid: 'SMx', MessageStatus: 'constructor' },
        { MessageSid: 'SMx', MessageStatus: '__proto__' },
      ]) {
        const res = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/status`, AUTH_TOKEN, form);
        expect(res.status).toBe(204);
      }
    });
  });

  it.each([
    ['GET', '/healthz'],
    ['GET', '/api/me'],
    ['GET', '/open311/v2/services.json'],
    ['GET', '/open311/v2/requests/%00.json'],
    ['POST', '/webhooks/twilio/sms'],
    ['GET', '/no/such/page'],
  ])('%s %s says nosniff', async (method, path) => {
    const res = await send(path, { method });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
