import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importLedger } from '../core/pbb/importLedger.js';
import { createReadStream } from 'node:fs';
import { countSegments } from '../bots/sms/gsm7.js';
import { submitPermit } from '../core/cases/permitService.js';
import { FakeTwilioApi, postSignedTwilio, type TwilioCall } from './support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const FROM = '+15005550006';
const CITIZEN = '+6281234567890';
const NIK = '1275014501900007';
let serial = 0;
const sid = () => `SM${String(++serial).padStart(32, 'a')}`;
/** The short help SMS gets (help.bodyShort): in its first part, once per reply. */
const HELP = 'MENU: kembali ke menu. BATAL: membatalkan.';
/**
 * NOP 12.75.040.003.009-1555.0 on SMS: the unpaid years with their penalty first (2024's capped
 * at 24 months, so fixed whatever the clock), the detail on request.
 */
const UNPAID = 'Belum lunas: 2024 Rp788.783, 2026 Rp';

describe('SMS through Twilio: real SDK against a local fake of its API, signed webhooks', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  /** Every SMS the fake accepted in this file, for the checks at the end. */
  const everySms: TwilioCall[] = [];
  /** Every number that wrote in, so the log check can look for each one. */
  const numbers = new Set<string>([CITIZEN]);
  let numberSerial = 0;
  /** A number no test has used yet: its citizen, conversation and flood window are fresh. */
  const freshNumber = () => {
    const number = `+62813${String(++numberSerial).padStart(7, '0')}`;
    numbers.add(number);
    return number;
  };

  const inbound = (body: string, from = CITIZEN, messageSid = sid()) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: messageSid,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: FROM,
      Body: body,
    });

  const prisma = () => app.core.db.prisma;
  const digitsOf = (number: string) => number.replace(/\D/g, '');
  const callsTo = (number: string) => api.calls.filter((c) => c.To === number);
  /** The words of some SMS, part markers "(1/3)" dropped, to search in. */
  const textOf = (calls: TwilioCall[]) => calls.map((c) => c.Body.replace(/^\(\d+\/\d+\) /, '')).join(' ');
  const outboxIdsFor = async (number: string) =>
    (await prisma().outboxMessage.findMany({ where: { address: digitsOf(number) }, select: { id: true } })).map(
      (r) => r.id,
    );

  /** Sends one SMS and returns the id of the one outbox row written in answer. */
  async function send(body: string, number: string): Promise<string> {
    const before = new Set(await outboxIdsFor(number));
    const res = await inbound(body, number);
    expect(res.status).toBe(200);
    const fresh = (await outboxIdsFor(number)).filter((id) => !before.has(id));
    expect(fresh).toHaveLength(1);
    const [id] = fresh;
    if (!id) throw new Error('no outbox row was written');
    return id;
  }

  /** Waits until an outbox row is no longer pending (sent, failed or suppressed) and returns it. */
  const finished = (id: string) =>
    eventually(async () => {
      const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { id } });
      return row.status === 'pending' ? null : row;
    });

  /** Writes a notification for a citizen as the case services do, and hands it to the outbox. */
  async function notify(citizenId: string, number: string): Promise<string> {
    const row = await prisma().outboxMessage.create({
      data: {
        citizenId,
        channel: 'sms',
        address: digitsOf(number),
        language: 'id',
        kind: 'notification',
        replies: [{ lines: [{ key: 'menu.title' }] }],
      },
      select: { id: true },
    });
    await app.runtime.dispatcher.dispatch([{ id: row.id, channel: 'sms' }]);
    return row.id;
  }

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
    // The app's clock stands still; move it past the flood window so each test starts afresh.
    app.clock.now = new Date(app.clock.now.getTime() + 61_000);
  });
  afterEach(() => {
    everySms.push(...api.calls);
  });

  it('answers a PBB lookup by SMS with the bills, To the citizen From the city number, within the part cap', async () => {
    const res = await inbound('PBB 12.75.040.003.009-1555.0');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Response></Response>');
    // Every part of the reply, not just the first to arrive: the parts leave one by one.
    await eventually(() => api.calls.some((c) => c.Body.includes('Balas 1 Rincian')));
    expect(api.calls.length).toBeGreaterThan(0);
    expect(api.calls.length).toBeLessThanOrEqual(4);
    for (const call of api.calls) {
      expect(call.To).toBe(CITIZEN);
      expect(call.From).toBe(FROM);
      expect(call.StatusCallback).toBe(`${app.baseUrl}/webhooks/twilio/status`);
      expect(countSegments(call.Body)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    }
    const text = api.calls.map((c) => c.Body).join(' ');
    expect(text).toContain(UNPAID);
    expect(text).toContain('Total tagihan termasuk denda: Rp');
    expect(text).toContain('Balas 1 Rincian, 2 Cek NOP lain, 3 Menu utama');

    // "1" (Rincian): every year, paid ones too, still within the part cap.
    const seen = api.calls.length;
    expect((await inbound('1')).status).toBe(200);
    await eventually(() => api.calls.slice(seen).some((c) => c.Body.includes('Balas 1 Cek NOP lain')));
    const detail = api.calls.slice(seen);
    expect(detail.length).toBeLessThanOrEqual(4);
    for (const call of detail) expect(countSegments(call.Body)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const detailText = detail.map((c) => c.Body).join(' ');
    expect(detailText).toContain('2023 LUNAS Rp611.264');
    expect(detailText).toContain('2024 Rp636.115 + denda 24 bln Rp152.668 = Rp788.783');
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
    const helpCalls = api.calls.filter((c) => c.Body.includes(HELP));
    expect(helpCalls).toHaveLength(1);
  });

  it('tells the applicant the status of their permit by SMS, and refuses a tracking number with a typo', async () => {
    const phone = digitsOf(CITIZEN);
    const citizen = await prisma().citizen.upsert({ where: { phone }, create: { phone }, update: {} });
    const filed = await prisma().$transaction((tx) =>
      submitPermit(
        tx,
        app.core.city,
        {
          citizenId: citizen.id,
          typeCode: 'SIUP',
          applicantName: 'Siti Rahmawati Nasution',
          nik: NIK,
          phone,
          email: null,
          fields: { businessName: 'Toko Maju Jaya' },
        },
        app.clock.now,
      ),
    );
    // Whatever an earlier test left the conversation at, start from the menu.
    await finished(await send('MENU', CITIZEN));

    let seen = callsTo(CITIZEN).length;
    const status = await finished(await send(`CEK ${filed.trackingNumber}`, CITIZEN));
    expect(status.status).toBe('sent');
    const answer = textOf(callsTo(CITIZEN).slice(seen));
    expect(answer).toContain(filed.trackingNumber);
    expect(answer).toContain('Status: Diajukan');
    // The SMS number is the applicant's, so they see the details, not only the status: on SMS
    // the deadline and time left, the history offered as an option.
    expect(answer).toContain('Target selesai: ');
    expect(answer).toContain('Sisa waktu ');
    expect(answer).not.toContain('Rincian hanya ditampilkan kepada pemohon');
    expect(answer).toContain('Balas 1 Riwayat, 2 Menu utama');
    expect(answer).not.toContain('tidak valid');

    seen = callsTo(CITIZEN).length;
    await finished(await send('1', CITIZEN));
    const history = textOf(callsTo(CITIZEN).slice(seen));
    expect(history).toContain('Ditangani:');
    expect(history).toContain('Riwayat:');
    expect(history).toContain('Diajukan');

    // One digit changed: the check digit refuses it rather than finding someone else's case.
    const digit = Number(filed.trackingNumber[4]);
    const typo = `${filed.trackingNumber.slice(0, 4)}${(digit + 1) % 10}${filed.trackingNumber.slice(5)}`;
    seen = callsTo(CITIZEN).length;
    await finished(await send(`CEK ${typo}`, CITIZEN));
    const refusal = textOf(callsTo(CITIZEN).slice(seen));
    expect(refusal).toContain(`Nomor ${typo} tidak valid`);
    expect(refusal).not.toContain('Diajukan');
  });

  it('retries a refused send, then marks the row failed and keeps it; the next message goes out', async () => {
    const number = freshNumber();
    api.failWith = 500;
    const refusedBefore = api.refused;
    const failing = await send('bantuan', number);
    const failed = await finished(failing);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toContain('fake outage');
    expect(api.refused - refusedBefore).toBe(3);
    expect(callsTo(number)).toHaveLength(0);

    api.failWith = null;
    const next = await finished(await send('MENU', number));
    expect(next.status).toBe('sent');
    expect(next.attempts).toBe(1);
    const delivered = callsTo(number);
    expect(delivered.length).toBeGreaterThan(0);
    expect(next.providerMessageId).toBe(delivered.map((c) => c.sid).join(','));
    // The failed row stays for operators to see, and is not sent behind their back.
    expect(await prisma().outboxMessage.findUniqueOrThrow({ where: { id: failing } })).toMatchObject({
      status: 'failed',
      attempts: 3,
    });
    expect(textOf(delivered)).not.toContain(HELP);
    expect(textOf(delivered)).toContain('Pilih layanan');
  });

  it('delivers a row whose first attempt was refused once the provider is back', async () => {
    const number = freshNumber();
    api.failWith = 503;
    const id = await send('MENU', number);
    await eventually(async () => (await prisma().outboxMessage.findUniqueOrThrow({ where: { id } })).attempts >= 1);
    api.failWith = null;
    const row = await finished(id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row.attempts).toBeLessThanOrEqual(3);
    const delivered = callsTo(number);
    expect(textOf(delivered)).toContain('Pilih layanan');
    expect(row.providerMessageId).toBe(delivered.map((c) => c.sid).join(','));
  });

  describe('delivery reports', () => {
    const statusUrl = () => `${app.baseUrl}/webhooks/twilio/status`;
    const report = (number: string, form: Record<string, string>, signature?: string) =>
      postSignedTwilio(
        statusUrl(),
        AUTH_TOKEN,
        { AccountSid: ACCOUNT_SID, From: FROM, To: number, ...form },
        signature,
      );
    const deliveryStatusOf = async (id: string) =>
      (await prisma().outboxMessage.findUniqueOrThrow({ where: { id } })).deliveryStatus;
    const sidsOf = async (id: string) => {
      const row = await finished(id);
      expect(row.status).toBe('sent');
      return (row.providerMessageId ?? '').split(',').filter(Boolean);
    };

    it('records delivered and undelivered (with the error code) from signed callbacks; a forged one changes nothing', async () => {
      const number = freshNumber();
      const menu = await send('MENU', number);
      const [menuSid] = await sidsOf(menu);
      if (!menuSid) throw new Error('the menu reply has no provider id');
      const delivered = await report(number, { MessageSid: menuSid, MessageStatus: 'delivered' });
      expect(delivered.status).toBe(204);
      expect(await deliveryStatusOf(menu)).toBe('delivered');

      const forged = await report(
        number,
        { MessageSid: menuSid, MessageStatus: 'undelivered', ErrorCode: '30003' },
        'Zm9yZ2VkIHNpZ25hdHVyZQ==',
      );
      expect(forged.status).toBe(403);
      const unsigned = await fetch(statusUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ MessageSid: menuSid, MessageStatus: 'failed' }).toString(),
      });
      expect(unsigned.status).toBe(403);
      expect(await deliveryStatusOf(menu)).toBe('delivered');

      const other = await send('bantuan', number);
      const [firstPart, secondPart] = await sidsOf(other);
      if (!firstPart || !secondPart) throw new Error('the help reply should take more than one SMS');
      const undelivered = await report(number, {
        MessageSid: secondPart,
        MessageStatus: 'undelivered',
        ErrorCode: '30003',
      });
      expect(undelivered.status).toBe(204);
      expect(await deliveryStatusOf(other)).toBe('failed: 30003');
      // Of several parts, the one that failed is what an operator must see.
      await report(number, { MessageSid: firstPart, MessageStatus: 'delivered' });
      expect(await deliveryStatusOf(other)).toBe('failed: 30003');
      expect(await deliveryStatusOf(menu)).toBe('delivered');
    });

    // PRODUCT BUG (core/outbox/recordDeliveryStatus.ts): Twilio does not promise status
    // callbacks arrive in order; a late 'sent' after 'delivered' overwrites it with 'sent'.
    it('keeps delivered when a late sent callback arrives after it', async () => {
      const number = freshNumber();
      const menu = await send('MENU', number);
      const [menuSid] = await sidsOf(menu);
      if (!menuSid) throw new Error('the menu reply has no provider id');
      await report(number, { MessageSid: menuSid, MessageStatus: 'delivered' });
      expect(await deliveryStatusOf(menu)).toBe('delivered');
      expect((await report(number, { MessageSid: menuSid, MessageStatus: 'sent' })).status).toBe(204);
      expect(await deliveryStatusOf(menu)).toBe('delivered');
    });
  });

  describe('STOP and MULAI', () => {
    it('STOP gets one confirmation naming MULAI, then nothing by SMS until MULAI', async () => {
      const number = freshNumber();
      const confirmation = await finished(await send('STOP', number));
      expect(confirmation).toMatchObject({ status: 'sent', kind: 'optOutConfirmation' });
      const citizen = await prisma().citizen.findUniqueOrThrow({ where: { phone: digitsOf(number) } });
      expect(citizen.smsOptOut).toBe(true);
      expect(callsTo(number)).toHaveLength(1);
      expect(callsTo(number)[0]?.Body).toContain('MULAI');

      const notification = await finished(await notify(citizen.id, number));
      expect(notification.status).toBe('suppressed');
      const reply = await finished(await send('bantuan', number));
      expect(reply.status).toBe('suppressed');
      expect(callsTo(number)).toHaveLength(1);

      const back = await finished(await send('MULAI', number));
      expect(back.status).toBe('sent');
      expect((await prisma().citizen.findUniqueOrThrow({ where: { id: citizen.id } })).smsOptOut).toBe(false);
      expect(textOf(callsTo(number).slice(1))).toContain('SMS dari LayanKota aktif kembali');

      const sentCount = callsTo(number).length;
      const later = await finished(await notify(citizen.id, number));
      expect(later.status).toBe('sent');
      const afterwards = callsTo(number).slice(sentCount);
      expect(textOf(afterwards)).toBe('Pilih layanan:');
    });

    it.each([' stop ', 'Berhenti', 'STOP.'])('%j opts out as STOP does', async (body) => {
      const number = freshNumber();
      const confirmation = await finished(await send(body, number));
      expect(confirmation).toMatchObject({ status: 'sent', kind: 'optOutConfirmation' });
      expect((await prisma().citizen.findUniqueOrThrow({ where: { phone: digitsOf(number) } })).smsOptOut).toBe(true);
      expect(callsTo(number)).toHaveLength(1);
      expect(callsTo(number)[0]?.Body).toContain('MULAI');
    });
  });

  it.each([
    { body: 'pbb 12.75.040.003.009-1555.0', expected: UNPAID },
    { body: 'PBB   127504000300915550', expected: UNPAID },
    // The catalogue on SMS: five short names a page.
    { body: 'izin', expected: 'Pilih izin hal. 1/9 atau ketik namanya:' },
    { body: 'IZIN', expected: 'Pilih izin hal. 1/9 atau ketik namanya:' },
    { body: 'bantuan', expected: HELP },
    { body: 'HELP', expected: HELP },
    // A one-shot ADUAN keeps the problem and its category (jalan rusak); "depan pasar" names no
    // specific place, so the place is asked.
    { body: 'aduan jalan rusak di depan pasar', expected: 'Di mana lokasinya?' },
  ])('answers the one-shot keyword $body with $expected', async ({ body, expected }) => {
    const number = freshNumber();
    const row = await finished(await send(body, number));
    expect(row.status).toBe('sent');
    expect(textOf(callsTo(number))).toContain(expected);
  });

  const NOT_UNDERSTOOD = ['belum kami pahami', 'Balas 1 Ajukan izin'];
  it.each([
    {
      label: 'a 2,000-character message',
      body: 'Selamat pagi bapak dan ibu petugas. '.repeat(56).slice(0, 2000),
      expected: NOT_UNDERSTOOD,
    },
    { label: 'an empty body', body: '', expected: NOT_UNDERSTOOD },
    { label: 'only emoji', body: '😀🎉', expected: NOT_UNDERSTOOD },
    // 🙏 is a thank-you in locales/id/words.json: small talk, answered in one SMS with the hint.
    { label: 'only a thank-you emoji, as a first message', body: '🙏🙏', expected: ['Selamat datang di LayanKota'] },
    { label: 'replacement characters from broken UTF-8', body: '\uFFFD\uFFFD', expected: NOT_UNDERSTOOD },
  ])('answers $label with the menu hint, in GSM-7 SMS of at most 160 characters', async ({ body, expected }) => {
    const number = freshNumber();
    const errorsBefore = app.logLines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50).length;
    const row = await finished(await send(body, number));
    expect(row.status).toBe('sent');
    const calls = callsTo(number);
    const text = textOf(calls);
    for (const part of expected) expect(text).toContain(part);
    for (const call of calls) {
      expect(countSegments(call.Body).encoding).toBe('GSM-7');
      expect(call.Body.length).toBeLessThanOrEqual(160);
    }
    const errorsAfter = app.logLines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50).length;
    expect(errorsAfter).toBe(errorsBefore);
  });

  it('keeps every message of a flood: the limit answered, one notice, the rest answered in order a minute later', async () => {
    const number = freshNumber();
    for (let i = 1; i <= 14; i++) expect((await inbound('bantuan', number)).status).toBe(200);
    expect((await inbound('PBB 12.75.040.003.009-1555.0', number)).status).toBe(200);
    const rows = await prisma().outboxMessage.findMany({
      where: { address: digitsOf(number) },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    expect(rows).toHaveLength(13);
    for (const row of rows) expect((await finished(row.id)).status).toBe('sent');
    expect(callsTo(number).filter((c) => c.Body.includes('jawab berurutan'))).toHaveLength(1);
    expect(callsTo(number).filter((c) => c.Body.includes(HELP))).toHaveLength(12);
    expect(callsTo(number).at(-1)?.Body).toContain('jawab berurutan');

    // A minute on, the worker answers the three that waited, in the order they came.
    app.clock.now = new Date(app.clock.now.getTime() + 61_000);
    await eventually(() => callsTo(number).some((c) => c.Body.includes('Total')));
    const calls = callsTo(number);
    expect(calls.filter((c) => c.Body.includes(HELP))).toHaveLength(14);
    const lastHelp = calls.findLastIndex((c) => c.Body.includes(HELP));
    expect(calls.findIndex((c) => c.Body.includes('Total'))).toBeGreaterThan(lastHelp);
    expect(await prisma().processedInbound.count({ where: { heldAt: { not: null } } })).toBe(0);
  });

  it('sent only GSM-7 SMS of at most 160 characters in this whole file', () => {
    expect(everySms.length).toBeGreaterThan(50);
    for (const sms of everySms) {
      expect(countSegments(sms.Body).encoding).toBe('GSM-7');
      expect(sms.Body.length).toBeLessThanOrEqual(160);
    }
  });

  it('never logged the auth token, the NIK or a whole phone number', () => {
    expect(app.logLines.length).toBeGreaterThan(0);
    expect(app.logLines.some((l) => l.includes('*********7890'))).toBe(true);
    for (const logged of app.logLines) {
      expect(logged).not.toContain(AUTH_TOKEN);
      expect(logged).not.toContain(NIK);
      for (const number of numbers) {
        expect(logged).not.toContain(number);
        expect(logged).not.toContain(digitsOf(number));
      }
    }
  });
});
