import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPhone } from '../../core/domain/mask.js';
import { codeSentTo, getJson, postJson, seedOfficer, signIn } from '../support/commandCenter.js';
import { FakeAndroidGateway, postSignedAndroid } from '../support/fakeAndroidGateway.js';
import { FakeGraphApi } from '../support/fakeGraphApi.js';
import { FakeTelegramApi } from '../support/fakeTelegramApi.js';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from '../support/startApp.js';

// The whole app run in-process with its log captured: every channel, the Command Center's
// sign-in and case list, Open311 reads and writes, malformed bodies among them, each carrying
// planted values (a NIK typed in a permit application, phone numbers, emails, a name, the API
// key, the login code, every secret of the configuration). None may appear whole in the log.

const SECRETS = {
  twilioToken: 'scan-twilio-auth-token-0a1b2c3d4e',
  cloudToken: 'EAAGscanCloudTokenNeverLogged0123456789',
  appSecret: 'scan0c9d8e7f6a5b4c3d2e1f0a9b8c7d',
  verifyToken: 'scan-verify-token-2026',
  telegramToken: '7000000003:AAHscanTokenNeverLogged_0123456789abc',
  telegramSecret: 'scan-telegram-webhook-secret',
  sessionSecret: 'scan-session-secret-0123456789abcdef0123',
  apiKey: 'scan-open311-key-0123456789abcdef',
  gatewayPassword: 'scan-gateway-password-77',
  signingKey: 'scan-signing-key-3e8a57',
};
const NIK = '3171010501900001';
const PHONES = {
  twilio: '6281355500001',
  whatsapp: '6281355500002',
  telegramContact: '6281355500003',
  open311: '6281355500004',
  android: '6281355500005',
  officer: '6281100000555',
};
const EMAILS = { permit: 'sari.dewi@contoh.id', open311: 'rudi.h@example.org' };
const OPEN311_NAME = { first: 'Rudiansyah', last: 'Hartonowijaya' };
const PHONE_NUMBER_ID = '106540352242922';

describe('log scan of a whole-app run', () => {
  const twilio = new FakeTwilioApi();
  const graph = new FakeGraphApi();
  const telegram = new FakeTelegramApi(SECRETS.telegramToken);
  const gateway = new FakeAndroidGateway('scan', SECRETS.gatewayPassword);
  let app: TestApp;
  let android: TestApp;
  /** Values the run produced that must not be logged either: the sign-in codes sent. */
  const produced: string[] = [];
  let serial = 0;

  beforeAll(async () => {
    await Promise.all([twilio.start(), graph.start(), telegram.start(), gateway.start()]);
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'3'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: SECRETS.twilioToken,
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        WHATSAPP_MODE: 'cloud',
        WHATSAPP_CLOUD_TOKEN: SECRETS.cloudToken,
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_CLOUD_APP_SECRET: SECRETS.appSecret,
        WHATSAPP_CLOUD_VERIFY_TOKEN: SECRETS.verifyToken,
        WHATSAPP_CLOUD_API_ROOT: `${graph.baseUrl}/v21.0`,
        TELEGRAM_BOT_TOKEN: SECRETS.telegramToken,
        TELEGRAM_API_ROOT: telegram.baseUrl,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRETS.telegramSecret,
        SESSION_SECRET: SECRETS.sessionSecret,
        OPEN311_API_KEYS: SECRETS.apiKey,
        INBOUND_FLOOD_PER_MINUTE: '200',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    android = await startApp({
      SMS_PROVIDER: 'android',
      ANDROID_SMS_GATEWAY_URL: gateway.baseUrl,
      ANDROID_SMS_GATEWAY_USERNAME: 'scan',
      ANDROID_SMS_GATEWAY_PASSWORD: SECRETS.gatewayPassword,
      ANDROID_SMS_GATEWAY_SIGNING_KEY: SECRETS.signingKey,
    });
  });
  afterAll(async () => {
    await android?.stop();
    await app?.stop();
    await Promise.all([twilio.stop(), graph.stop(), telegram.stop(), gateway.stop()]);
  });

  const sms = (body: string) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, SECRETS.twilioToken, {
      MessageSid: `SM${String(++serial).padStart(32, 'd')}`,
      From: `+${PHONES.twilio}`,
      To: '+15005550006',
      Body: body,
    });
  const whatsapp = (message: object) => {
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'messages', value: { metadata: { phone_number_id: PHONE_NUMBER_ID }, messages: [message] } },
          ],
        },
      ],
    });
    return fetch(`${app.baseUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRETS.appSecret).update(raw).digest('hex')}`,
      },
      body: raw,
    });
  };
  const telegramUpdate = (update: object | string) =>
    fetch(`${app.baseUrl}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRETS.telegramSecret },
      body: typeof update === 'string' ? update : JSON.stringify(update),
    });

  it('drives every channel with planted values', async () => {
    // A permit application by SMS (Twilio), the NIK and an email typed in it, then submitted.
    for (const text of ['siup', '1', 'Sari Dewi Lestari', NIK, EMAILS.permit, 'Toko Sari', 'Jl. Merdeka No. 10', '1']) {
      expect((await sms(text)).status).toBe(200);
    }
    expect((await sms(`NIK saya ${NIK}, HP 0${PHONES.twilio.slice(2)}, surel ${EMAILS.permit}`)).status).toBe(200);

    // WhatsApp Cloud: text with the NIK and phone, and a malformed body.
    expect(
      (await whatsapp({ from: PHONES.whatsapp, id: 'wamid.scan1', type: 'text', text: { body: `pbb ${NIK}` } })).status,
    ).toBe(200);
    expect((await whatsapp({ from: Number(PHONES.whatsapp), id: 'wamid.scan2', type: 'text' })).status).toBe(200);

    // Telegram: a text, a contact shared (a vouched phone), a malformed body.
    const chat = { id: 5150, type: 'private' };
    expect(
      (
        await telegramUpdate({
          update_id: 77001,
          message: { message_id: 1, chat, from: { id: 5150 }, text: `NIK ${NIK}` },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await telegramUpdate({
          update_id: 77002,
          message: {
            message_id: 2,
            chat,
            from: { id: 5150 },
            contact: { phone_number: `+${PHONES.telegramContact}`, user_id: 5150 },
          },
        })
      ).status,
    ).toBe(200);
    expect((await telegramUpdate(`{"update_id":77003,"message":{"text":"${PHONES.telegramContact}",}}`)).status).toBe(
      400,
    );

    // SMS Gateway for Android, on its own app.
    const at = Math.floor(android.clock.now.getTime() / 1000);
    const androidHook = (id: string, message: string) =>
      postSignedAndroid(
        `${android.baseUrl}/webhooks/android/sms`,
        SECRETS.signingKey,
        {
          id,
          event: 'sms:received',
          payload: { message, phoneNumber: `+${PHONES.android}`, messageId: id },
        },
        at,
      );
    expect((await androidHook('scan-1', `NIK ${NIK}`)).status).toBe(200);
    expect((await androidHook('scan-2', 'menu')).status).toBe(200);
  });

  it('drives the Command Center and Open311 with planted values, malformed bodies among them', async () => {
    await seedOfficer(app, { name: 'Petugas Scan', role: 'officer', departmentCode: 'PUPR', phone: PHONES.officer });
    // A wrong code, then a malformed verify with the handle, then the real sign-in.
    const seen = twilio.calls.length;
    expect((await postJson(app, '/api/login/request', { handle: `+${PHONES.officer}` })).status).toBe(202);
    const code = await codeSentTo(twilio, PHONES.officer, seen);
    produced.push(code);
    const malformed = await fetch(`${app.baseUrl}/api/login/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"handle":"+${PHONES.officer}","code":"${code}",}`,
    });
    expect(malformed.status).toBe(400);
    expect((await postJson(app, '/api/login/verify', { handle: `+${PHONES.officer}`, code: '000000' })).status).toBe(
      401,
    );
    const cookie = await signIn(app, twilio, PHONES.officer);
    produced.push(...twilio.calls.map((c) => /\b(\d{6})\b/.exec(c.Body)?.[1]).filter((c): c is string => !!c));
    produced.push(cookie.split('=')[1]!);
    expect((await getJson(app, '/api/cases', cookie)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/api/me`, { headers: { cookie: 'lk_session=%E0%A4%A' } })).status).toBe(401);

    const reporter = {
      api_key: SECRETS.apiKey,
      service_code: 'jalan',
      description: `Jalan berlubang, hubungi saya di 0${PHONES.open311.slice(2)} atau ${EMAILS.open311}`,
      lat: '3.5952',
      long: '98.6722',
      first_name: OPEN311_NAME.first,
      last_name: OPEN311_NAME.last,
      email: EMAILS.open311,
      phone: `0${PHONES.open311.slice(2)}`,
    };
    const filed = await postJson(app, '/open311/v2/requests.json', reporter);
    expect(filed.status).toBe(201);
    const trailingComma = `${JSON.stringify(reporter).slice(0, -1)},}`;
    const broken = await fetch(`${app.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: trailingComma,
    });
    expect(broken.status).toBe(400);
    const form = await fetch(`${app.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...reporter, api_key: `${SECRETS.apiKey}x` }).toString(),
    });
    expect(form.status).toBe(403);
    expect((await fetch(`${app.baseUrl}/open311/v2/requests.json?start_date=99999-01-01`)).status).toBe(400);
    expect((await fetch(`${app.baseUrl}/open311/v2/requests.json`)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/open311/v2/requests/%00.json`)).status).toBe(404);
  });

  it('logged none of the planted values whole, while the log says what happened', async () => {
    const prisma = app.core.db.prisma;
    await eventually(async () => (await prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0);
    const lines = [...app.logLines, ...android.logLines];
    const log = lines.join('\n');
    // The log is useful: the traffic is there, addresses masked.
    expect(log).toContain('permit application submitted');
    expect(log).toContain('request refused');
    expect(log).toContain('officer signed in to the command center');
    expect(log).toContain(maskPhone(PHONES.twilio));
    const phones = Object.values(PHONES).flatMap((d) => [d, `0${d.slice(2)}`, `+${d}`]);
    const planted = [
      NIK,
      ...phones,
      ...Object.values(EMAILS),
      ...Object.values(SECRETS),
      SECRETS.telegramToken.split(':')[1]!,
      OPEN311_NAME.first,
      OPEN311_NAME.last,
      ...produced,
    ];
    expect(produced.length).toBeGreaterThanOrEqual(2);
    expect(planted.filter((value) => log.includes(value))).toEqual([]);
  });
});
