import { normalizePhone } from '../core/domain/phone.js';
import { createReadStream, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countSegments } from '../bots/sms/gsm7.js';
import { importLedger } from '../core/pbb/importLedger.js';
import {
  FakeAndroidGateway,
  postSignedAndroid,
  signAndroidWebhook,
  type AndroidGatewayCall,
} from './support/fakeAndroidGateway.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

const USERNAME = 'layankota';
const PASSWORD = 'gateway-password-5f3a9c';
const SIGNING_KEY = 'signing-key-7d1e40b2c8';
const CITIZEN = '+6281234567890';
/** The gateway's sms:sent, sms:delivered and sms:failed webhooks as its documentation shows them (see the .source file). */
const REPORTS = JSON.parse(readFileSync('test/fixtures/android-delivery-reports.json', 'utf8')) as Record<
  'sms:sent' | 'sms:delivered' | 'sms:failed',
  { payload: { messageId: string } }
>;
/** The short help SMS gets (help.bodyShort). */
const HELP = 'MENU: kembali ke menu. BATAL: membatalkan.';

describe('SMS through SMS Gateway for Android: a local fake of the phone, signed webhooks', () => {
  const gateway = new FakeAndroidGateway(USERNAME, PASSWORD);
  let app: TestApp;
  const everySms: AndroidGatewayCall[] = [];
  const numbers = new Set<string>([CITIZEN]);
  let numberSerial = 0;
  let eventSerial = 0;

  /** A number no test has used yet: its citizen, conversation and flood window are fresh. */
  const freshNumber = () => {
    const number = `+62857${String(++numberSerial).padStart(7, '0')}`;
    numbers.add(number);
    return number;
  };
  const prisma = () => app.core.db.prisma;
  const webhookUrl = () => `${app.baseUrl}/webhooks/android/sms`;
  /** Unix seconds on the app's clock, which is what the signature's freshness is checked against. */
  const nowS = () => Math.floor(app.clock.now.getTime() / 1000);
  const callsTo = (number: string) => gateway.calls.filter((c) => c.phoneNumbers.includes(number));
  const textOf = (calls: AndroidGatewayCall[]) => calls.map((c) => c.text.replace(/^\(\d+\/\d+\) /, '')).join(' ');

  /** The body the gateway posts when the phone receives an SMS. */
  const received = (message: string, phoneNumber: string, id = `evt-${++eventSerial}`) => ({
    id,
    webhookId: 'wh-layankota',
    deviceId: 'device-kantor-1',
    event: 'sms:received',
    payload: {
      message,
      phoneNumber,
      messageId: `m-${Buffer.from(message).toString('hex').slice(0, 16)}`,
      receivedAt: app.clock.now.toISOString(),
    },
  });
  const post = (body: unknown, timestampS = nowS(), signature?: string) =>
    postSignedAndroid(webhookUrl(), SIGNING_KEY, body, timestampS, signature);
  const counts = async () => ({
    inbound: await prisma().processedInbound.count(),
    outbox: await prisma().outboxMessage.count(),
    citizens: await prisma().citizen.count(),
  });
  const outboxIdsFor = async (number: string) =>
    (
      await prisma().outboxMessage.findMany({
        where: { address: normalizePhone(number) ?? number.replace(/\D/g, '') },
        select: { id: true },
      })
    ).map((r) => r.id);

  /** Posts one received SMS and returns the id of the one outbox row written in answer. */
  async function send(message: string, number: string): Promise<string> {
    const before = new Set(await outboxIdsFor(number));
    const res = await post(received(message, number));
    expect(res.status).toBe(200);
    const fresh = (await outboxIdsFor(number)).filter((id) => !before.has(id));
    expect(fresh).toHaveLength(1);
    const [id] = fresh;
    if (!id) throw new Error('no outbox row was written');
    return id;
  }
  const finished = (id: string) =>
    eventually(async () => {
      const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { id } });
      return row.status === 'pending' ? null : row;
    });

  beforeAll(async () => {
    await gateway.start();
    app = await startApp({
      SMS_PROVIDER: 'android',
      ANDROID_SMS_GATEWAY_URL: gateway.baseUrl,
      ANDROID_SMS_GATEWAY_USERNAME: USERNAME,
      ANDROID_SMS_GATEWAY_PASSWORD: PASSWORD,
      ANDROID_SMS_GATEWAY_SIGNING_KEY: SIGNING_KEY,
      SMS_RATE_PER_SECOND: '50',
      SMS_MAX_PARTS: '4',
      OUTBOX_MAX_ATTEMPTS: '3',
      OUTBOX_RETRY_BASE_MS: '100',
    });
    await importLedger(app.core.db.prisma, createReadStream('city/default/pbb-sppt-demo.csv'));
  });
  afterAll(async () => {
    await app?.stop();
    await gateway.stop();
  });
  beforeEach(() => {
    gateway.calls.length = 0;
    gateway.failWith = null;
    // The app's clock stands still; move it past the flood window so each test starts afresh.
    app.clock.now = new Date(app.clock.now.getTime() + 61_000);
  });
  afterEach(() => {
    everySms.push(...gateway.calls);
  });

  it('answers a PBB lookup through the phone: basic auth, the citizen in E.164, the bills in GSM-7', async () => {
    const row = await finished(await send('PBB 12.75.040.003.009-1555.0', CITIZEN));
    expect(row.status).toBe('sent');
    const calls = gateway.calls;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(4);
    const basic = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
    for (const call of calls) {
      expect(call.authorization).toBe(basic);
      expect(call.phoneNumbers).toEqual([CITIZEN]);
      expect(countSegments(call.text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    }
    expect(gateway.unauthorized).toBe(0);
    // SMS is compact: the unpaid years with their penalty (2024's capped, so fixed) and the total.
    expect(textOf(calls)).toContain('Belum lunas: 2024 Rp788.783, 2026 Rp');
    expect(textOf(calls)).toContain('Total tagihan termasuk denda: Rp');
    expect(row.providerMessageId).toBe(calls.map((c) => c.id).join(','));
  });

  it("records the gateway's delivery reports (its documented payloads): sent, delivered, never back, a failure with its reason", async () => {
    const number = freshNumber();
    const id = await finished(await send('bantuan', number)).then((row) => row.id);
    const ids = callsTo(number).map((c) => c.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(callsTo(number).every((c) => c.withDeliveryReport)).toBe(true);
    const report = (event: keyof typeof REPORTS, messageId: string) => {
      const body = structuredClone(REPORTS[event]);
      body.payload.messageId = messageId;
      return body;
    };
    const statusAfter = async (body: unknown) => {
      expect((await post(body)).status).toBe(200);
      return (await prisma().outboxMessage.findUniqueOrThrow({ where: { id } })).deliveryStatus;
    };
    const before = await counts();
    expect(await statusAfter(report('sms:sent', ids[0]!))).toBe('sent');
    expect(await statusAfter(report('sms:delivered', ids[0]!))).toBe('delivered');
    // Out of order: a late "sent" never moves it back.
    expect(await statusAfter(report('sms:sent', ids[0]!))).toBe('delivered');
    // Of the parts, a failure is what an operator must see, and stays.
    expect(await statusAfter(report('sms:failed', ids.at(-1)!))).toBe('failed: Network error');
    expect(await statusAfter(report('sms:delivered', ids.at(-1)!))).toBe('failed: Network error');
    // A report on a message nobody here sent is answered and changes nothing.
    expect(await statusAfter(report('sms:failed', 'msg-not-ours'))).toBe('failed: Network error');
    // Reports are no citizen's messages: nothing was handled or answered.
    expect(await counts()).toEqual(before);
  });

  it.each([
    { label: 'a wrong signature', signature: 'ab'.repeat(32) },
    { label: 'a signature that is not hex', signature: 'not-a-signature' },
    { label: 'no signature', signature: '' },
  ])('refuses $label with 403 and stores nothing', async ({ signature }) => {
    const before = await counts();
    const res = await post(received('PBB 12.75.040.003.009-1555.0', '+6289999999999'), nowS(), signature);
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('refuses a body changed after it was signed', async () => {
    const before = await counts();
    const timestamp = nowS();
    const signed = received('bantuan', '+6289999999999');
    // The signature of one body, sent with another.
    const signature = signAndroidWebhook(SIGNING_KEY, JSON.stringify(signed), String(timestamp));
    const res = await post(
      { ...signed, payload: { ...signed.payload, phoneNumber: '+6289999999998' } },
      timestamp,
      signature,
    );
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it.each([
    { label: '10 minutes old', offsetS: -600 },
    { label: '10 minutes ahead', offsetS: 600 },
  ])('refuses a correctly signed webhook whose X-Timestamp is $label', async ({ offsetS }) => {
    const before = await counts();
    const res = await post(received('bantuan', '+6289999999999'), nowS() + offsetS);
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('answers the same event id once', async () => {
    const number = freshNumber();
    const event = received('bantuan', number);
    expect((await post(event)).status).toBe(200);
    expect((await post(event)).status).toBe(200);
    const rows = await outboxIdsFor(number);
    expect(rows).toHaveLength(1);
    expect(await prisma().processedInbound.count({ where: { externalId: event.id } })).toBe(1);
    for (const id of rows) expect((await finished(id)).status).toBe('sent');
    expect(callsTo(number).filter((c) => c.text.includes(HELP))).toHaveLength(1);
  });

  it('answers the same text sent twice (same payload messageId, new event ids) twice', async () => {
    const number = freshNumber();
    const first = received('bantuan', number);
    const second = received('bantuan', number);
    expect(first.payload.messageId).toBe(second.payload.messageId);
    expect((await post(first)).status).toBe(200);
    expect((await post(second)).status).toBe(200);
    const rows = await outboxIdsFor(number);
    expect(rows).toHaveLength(2);
    for (const id of rows) expect((await finished(id)).status).toBe('sent');
    expect(callsTo(number).filter((c) => c.text.includes(HELP))).toHaveLength(2);
  });

  it.each(['sms:delivered', 'sms:sent', 'system:ping'])(
    'accepts a signed %s event with 200 and ignores it',
    async (event) => {
      const before = await counts();
      const res = await post({
        id: `evt-${++eventSerial}`,
        webhookId: 'wh-layankota',
        deviceId: 'device-kantor-1',
        event,
        payload: { messageId: 'msg-000001', phoneNumber: CITIZEN, deliveredAt: app.clock.now.toISOString() },
      });
      expect(res.status).toBe(200);
      expect(await counts()).toEqual(before);
    },
  );

  it('answers a signed body that is not JSON with 400 and stores nothing', async () => {
    const before = await counts();
    const timestamp = String(nowS());
    const res = await fetch(webhookUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-timestamp': timestamp,
        'x-signature': signAndroidWebhook(SIGNING_KEY, '{not json', timestamp),
      },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('retries a gateway that refuses, then marks the row failed and keeps it; the next message goes out', async () => {
    const number = freshNumber();
    gateway.failWith = 500;
    const refusedBefore = gateway.refused;
    const failing = await send('bantuan', number);
    const failed = await finished(failing);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toContain('500');
    expect(gateway.refused - refusedBefore).toBe(3);
    expect(callsTo(number)).toHaveLength(0);

    gateway.failWith = null;
    const next = await finished(await send('MENU', number));
    expect(next.status).toBe('sent');
    expect(next.providerMessageId).toBe(
      callsTo(number)
        .map((c) => c.id)
        .join(','),
    );
    expect(await prisma().outboxMessage.findUniqueOrThrow({ where: { id: failing } })).toMatchObject({
      status: 'failed',
      attempts: 3,
    });
  });

  // The phone reports the sender as the network presents it, which can be the national form
  // 0812...: it is kept and answered in the international form.
  it('answers a sender the phone reports in national form (0812...) at its E.164 number', async () => {
    const row = await finished(await send('MENU', '081298761234'));
    expect(row.status).toBe('sent');
    // The menu and the first-contact privacy notice, each one SMS, both to the E.164 number.
    expect(gateway.calls.map((c) => c.phoneNumbers)).toEqual([['+6281298761234'], ['+6281298761234']]);
  });

  it('sent only GSM-7 SMS of at most 160 characters, and never logged a secret or a whole number', () => {
    expect(everySms.length).toBeGreaterThan(5);
    for (const sms of everySms) {
      expect(countSegments(sms.text).encoding).toBe('GSM-7');
      expect(sms.text.length).toBeLessThanOrEqual(160);
    }
    expect(app.logLines.some((l) => l.includes('SMS gateway webhook with a bad signature refused'))).toBe(true);
    for (const logged of app.logLines) {
      expect(logged).not.toContain(PASSWORD);
      expect(logged).not.toContain(SIGNING_KEY);
      for (const number of numbers) expect(logged).not.toContain(number.replace(/\D/g, ''));
    }
  });
});
