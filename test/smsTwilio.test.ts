import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importLedger } from '../core/pbb/importLedger.js';
import { createReadStream } from 'node:fs';
import { countSegments } from '../bots/sms/gsm7.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const FROM = '+15005550006';
const CITIZEN = '+6281234567890';
let serial = 0;
const sid = () => `SM${String(++serial).padStart(32, 'a')}`;

describe('SMS through Twilio: real SDK against a local fake of its API, signed webhooks', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;

  const inbound = (body: string, from = CITIZEN, messageSid = sid()) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: messageSid,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: FROM,
      Body: body,
    });

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: FROM,
        SMS_RATE_PER_SECOND: '50',
        SMS_MAX_PARTS: '4',
        OUTBOX_MAX_ATTEMPTS: '3',
        OUTBOX_RETRY_BASE_MS: '100',
      },
      { twilioHttpClient: api.httpClient() },
    );
    await importLedger(app.core.db.prisma, createReadStream('city/default/pbb-sppt-demo.csv'));
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });
  beforeEach(() => {
    api.calls.length = 0;
    api.failWith = null;
  });

  it('answers a PBB lookup by SMS with the bills, To the citizen From the city number, within the part cap', async () => {
    const res = await inbound('PBB 12.75.040.003.009-1555.0');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Response></Response>');
    await eventually(() => api.calls.some((c) => c.Body.includes('Total')));
    expect(api.calls.length).toBeGreaterThan(0);
    expect(api.calls.length).toBeLessThanOrEqual(4);
    for (const call of api.calls) {
      expect(call.To).toBe(CITIZEN);
      expect(call.From).toBe(FROM);
      expect(call.StatusCallback).toBe(`${app.baseUrl}/webhooks/twilio/status`);
      expect(countSegments(call.Body)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    }
    const text = api.calls.map((c) => c.Body).join(' ');
    expect(text).toContain('Rp636.115');
    expect(text).toContain('Rp611.264');
  });

  it('refuses a forged signature with 403 and stores nothing', async () => {
    const before = await app.core.db.prisma.processedInbound.count();
    const citizens = await app.core.db.prisma.citizen.count();
    const res = await postSignedTwilio(
      `${app.baseUrl}/webhooks/twilio/sms`,
      AUTH_TOKEN,
      { MessageSid: sid(), From: '+6289999999999', To: FROM, Body: 'PBB' },
      'bm90IGEgcmVhbCBzaWduYXR1cmU=',
    );
    expect(res.status).toBe(403);
    const unsigned = await fetch(`${app.baseUrl}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'MessageSid=SMx&From=%2B6289999999999&Body=PBB',
    });
    expect(unsigned.status).toBe(403);
    expect(await app.core.db.prisma.processedInbound.count()).toBe(before);
    expect(await app.core.db.prisma.citizen.count()).toBe(citizens);
    await new Promise((r) => setTimeout(r, 300));
    expect(api.calls).toHaveLength(0);
  });

  it('answers the same MessageSid once', async () => {
    const same = sid();
    expect((await inbound('bantuan', CITIZEN, same)).status).toBe(200);
    expect((await inbound('bantuan', CITIZEN, same)).status).toBe(200);
    await eventually(() => api.calls.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    const rows = await app.core.db.prisma.processedInbound.count({ where: { externalId: same } });
    expect(rows).toBe(1);
    const helpCalls = api.calls.filter((c) => c.Body.includes('LayanKota melayani'));
    expect(helpCalls).toHaveLength(1);
  });
});
