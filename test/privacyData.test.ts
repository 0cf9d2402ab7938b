import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitPermit } from '../core/cases/permitService.js';
import type { InboundEvent, MyDataSummary, Reply } from '../core/conversation/types.js';
import { handleInbound, type InboxDeps } from '../core/inbox/handleInbound.js';
import { createTranslator } from '../core/i18n/createTranslator.js';
import { answerMyData } from '../core/privacy/answerMyData.js';
import { readableCopy, readFullCopy, type DataCopy } from '../core/privacy/fullCopy.js';
import { recordPersonalData } from '../core/privacy/trail.js';
import type { PrismaClient } from '../core/generated/prisma/client.js';
import { FakeTelegramApi } from './support/fakeTelegramApi.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { inboxDeps } from './support/inboxDeps.js';
import { fileComplaint } from './support/fileComplaint.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { createTestDatabase, defaultCity, type TestDatabase } from './support/testDatabase.js';

// DATA SAYA and UBAH DATA (UU PDP Art. 32) through the inbound path. The dialogue is the
// pdp-dialogue branch's (core/conversation/flows/privacyFlow.ts): these tests drive it with the
// contract's messages and assert on what the executors wrote and on the link in the replies,
// not on the dialogue's wording.

const NOW = new Date('2026-11-28T03:00:00.000Z');
const BASE = 'https://layan.example.id';
const NIK = '1275014501900007';
const LINK = /\/data-saya\/([A-Za-z0-9_-]{43})/;

let serial = 0;
function inbound(fields: Partial<InboundEvent> & Pick<InboundEvent, 'channel' | 'address'>): InboundEvent {
  serial += 1;
  return { externalId: `pdp-${serial}-${Math.random().toString(36).slice(2)}`, receivedAt: NOW, text: '', ...fields };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const linkIn = (replies: unknown) => LINK.exec(JSON.stringify(replies))?.[1] ?? null;

/** Files a SIUP application for a citizen, the phone typed on the form as given. */
async function filePermit(prisma: PrismaClient, citizenId: string, phone: string, email: string | null = null) {
  return prisma.$transaction((tx) =>
    submitPermit(
      tx,
      defaultCity,
      {
        citizenId,
        typeCode: 'SIUP',
        applicantName: 'Siti Rahmawati Nasution',
        nik: NIK,
        phone,
        email,
        fields: { businessName: 'Toko Maju Jaya', businessAddress: 'Jl. Sudirman No. 10' },
      },
      NOW,
    ),
  );
}

describe('DATA SAYA and UBAH DATA through handleInbound', () => {
  let db: TestDatabase;
  let deps: InboxDeps;
  let logLines: string[];

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    ({ deps, logLines } = inboxDeps(db, { clock: () => NOW, publicBaseUrl: BASE }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function send(event: InboundEvent): Promise<{ citizenId: string; replies: Reply[] }> {
    const outcome = await handleInbound(deps, event);
    if (outcome.status !== 'handled') throw new Error(`not handled: ${outcome.status}`);
    return { citizenId: outcome.citizenId, replies: outcome.replies };
  }

  /** answerMyData inside a transaction, as runPrivacyEffect calls it. */
  const askMyData = (citizenId: string, event: InboundEvent, about: string | null) =>
    db.prisma.$transaction((tx) => answerMyData({ ...deps, tx, citizenId, event, now: NOW }, about));

  it('DATA SAYA answers a one-time link whose token is stored only as its SHA-256, valid copyLinkHours', async () => {
    const address = '6281300000001';
    const { citizenId } = await send(inbound({ channel: 'sms', address, phone: address, text: 'halo' }));
    await filePermit(db.prisma, citizenId, address);
    const { replies } = await send(inbound({ channel: 'sms', address, phone: address, text: 'DATA SAYA' }));

    const token = linkIn(replies);
    expect(JSON.stringify(replies)).toContain(`${BASE}/data-saya/`);
    expect(token).not.toBeNull();
    const links = await db.prisma.dataCopyLink.findMany({ where: { citizenId } });
    expect(links).toEqual([
      expect.objectContaining({
        tokenHash: sha256(token!),
        createdAt: NOW,
        expiresAt: new Date(NOW.getTime() + defaultCity.privacy.copyLinkHours * 3_600_000),
        usedAt: null,
      }),
    ]);
    const trail = await db.prisma.personalDataEvent.findMany({ where: { citizenId, action: 'copy' } });
    expect(trail).toEqual([expect.objectContaining({ via: 'chat', actorType: 'citizen', actorId: citizenId })]);
  });

  it('the summary masks contact data and lists open cases, counting the closed ones', async () => {
    const address = '6281300000002';
    const event = inbound({ channel: 'sms', address, phone: address, text: 'halo' });
    const { citizenId } = await send(event);
    const open = await filePermit(db.prisma, citizenId, address, 'siti.rahma@example.id');
    const closed = await filePermit(db.prisma, citizenId, address);
    await db.prisma.permitApplication.update({ where: { id: closed.id }, data: { status: 'done', closedAt: NOW } });

    const answer = await askMyData(citizenId, event, null);
    expect(answer.type).toBe('privacy.myData');
    const summary = (answer as { summary: MyDataSummary }).summary;
    expect(summary).toMatchObject({
      identities: [{ channel: 'sms', address: '*********0002' }],
      name: 'Siti Rahmawati Nasution',
      phone: '*********0002',
      email: 'si********@example.id',
      emailNotices: true,
      openCases: [
        expect.objectContaining({ kind: 'permit', trackingNumber: open.trackingNumber, status: 'submitted' }),
      ],
      closedCases: 1,
    });
    expect(summary.openCases).toHaveLength(1);
    expect(summary.link?.url).toMatch(new RegExp(`^${BASE}/data-saya/[A-Za-z0-9_-]{43}$`));
  });

  it('refuses a case or NIK not held under this account, the same whether it is another person’s or none', async () => {
    const tgChat = '5550001';
    const smsNumber = '6281300000003';
    const telegram = await send(inbound({ channel: 'telegram', address: tgChat, text: 'halo' }));
    // The Telegram resident typed this SMS number on the form: that does not make it the SMS account's case.
    const permit = await filePermit(db.prisma, telegram.citizenId, smsNumber);
    const sms = inbound({
      channel: 'sms',
      address: smsNumber,
      phone: smsNumber,
      text: `DATA SAYA ${permit.trackingNumber}`,
    });
    const { citizenId, replies } = await send(sms);

    expect(linkIn(replies)).toBeNull();
    expect(await db.prisma.dataCopyLink.count({ where: { citizenId } })).toBe(0);
    expect(await db.prisma.personalDataEvent.count({ where: { citizenId, action: 'copy' } })).toBe(0);
    const warning = logLines.find((l) => l.includes('DATA SAYA refused'));
    expect(warning).toBeDefined();
    expect(warning).not.toContain(permit.trackingNumber);

    const ofOther = await askMyData(citizenId, sms, permit.trackingNumber);
    const otherNik = await askMyData(citizenId, sms, NIK);
    const noSuchNik = await askMyData(citizenId, sms, '3171014501900002');
    expect(ofOther).toEqual({ type: 'privacy.myData', summary: null, refused: 'notYours' });
    expect(otherNik).toEqual(ofOther);
    expect(noSuchNik).toEqual(ofOther);
    // A mistyped number (its check digit wrong) names nothing, whoever asks.
    const mistyped = permit.trackingNumber.slice(0, -1) + String((Number(permit.trackingNumber.slice(-1)) + 1) % 10);
    expect(await askMyData(citizenId, sms, mistyped)).toEqual({
      type: 'privacy.myData',
      summary: null,
      refused: 'unknown',
    });
    // The owner, naming their own case or NIK, gets the summary.
    const own = inbound({ channel: 'telegram', address: tgChat, text: 'x' });
    expect(await askMyData(telegram.citizenId, own, permit.trackingNumber)).toMatchObject({
      summary: { closedCases: 0 },
    });
    expect(await askMyData(telegram.citizenId, own, NIK)).toMatchObject({ summary: { closedCases: 0 } });
  });

  it('UBAH DATA email: the citizen and open permits take it, notices resume, a terse note and the trail record it', async () => {
    const address = '6281300000004';
    const { citizenId } = await send(inbound({ channel: 'sms', address, phone: address, text: 'halo' }));
    const open = await filePermit(db.prisma, citizenId, address, 'lama@example.id');
    const closed = await filePermit(db.prisma, citizenId, address, 'lama@example.id');
    await db.prisma.permitApplication.update({ where: { id: closed.id }, data: { status: 'done', closedAt: NOW } });
    await db.prisma.citizen.update({ where: { id: citizenId }, data: { emailNoticesOff: true } });

    await send(inbound({ channel: 'telegram', address: '5550004', text: 'halo' }));
    await send(inbound({ channel: 'sms', address, phone: address, text: 'UBAH DATA' }));
    await send(inbound({ channel: 'sms', address, phone: address, choice: 'privacy.field:email' }));
    await send(inbound({ channel: 'sms', address, phone: address, text: 'baru@example.id' }));

    const citizen = await db.prisma.citizen.findUniqueOrThrow({ where: { id: citizenId } });
    expect(citizen).toMatchObject({ email: 'baru@example.id', emailNoticesOff: false, phone: address });
    const permits = await db.prisma.permitApplication.findMany({ where: { citizenId }, include: { events: true } });
    const byId = new Map(permits.map((p) => [p.id, p]));
    expect(byId.get(open.id)?.email).toBe('baru@example.id');
    expect(byId.get(closed.id)?.email).toBe('lama@example.id');
    const notes = byId.get(open.id)!.events.map((e) => e.note);
    expect(notes).toContain('Data pemohon diubah oleh pemohon: email');
    expect(notes.join(' ')).not.toContain('baru@');
    expect(byId.get(closed.id)!.events.map((e) => e.note)).not.toContain('Data pemohon diubah oleh pemohon: email');
    const trail = await db.prisma.personalDataEvent.findMany({ where: { citizenId, action: 'correct' } });
    expect(trail.map((e) => [e.trackingNumber, e.fields])).toEqual(
      expect.arrayContaining([
        [null, ['email']],
        [open.trackingNumber, ['email']],
      ]),
    );
    expect(trail).toHaveLength(2);
  });

  it('the full copy holds a complaint with its place, coordinates and photo hashes; the text labels the form', async () => {
    const address = '6281300000006';
    const { citizenId } = await send(inbound({ channel: 'sms', address, phone: address, text: 'halo' }));
    await filePermit(db.prisma, citizenId, address);
    const complaint = await fileComplaint(db.prisma, defaultCity, {
      citizenId,
      categoryCode: defaultCity.complaintCategories[0]!.code,
      description: 'Lampu jalan mati sejak seminggu di depan sekolah',
      place: 'Jl. Mawar 3',
      now: NOW,
    });
    const sha = 'ab'.repeat(32);
    await db.prisma.mediaFile.create({
      data: { sha256: sha, path: `${sha}.jpg`, mimeType: 'image/jpeg', sizeBytes: 10 },
    });
    await db.prisma.complaintAttachment.create({ data: { complaintId: complaint.id, sha256: sha } });

    await send(inbound({ channel: 'sms', address, phone: address, text: 'DATA SAYA' }));
    const copy = await db.prisma.$transaction((tx) => readFullCopy(tx, defaultCity, citizenId, NOW));
    expect(copy.complaints).toEqual([
      expect.objectContaining({
        description: 'Lampu jalan mati sejak seminggu di depan sekolah',
        place: 'Jl. Mawar 3',
        latitude: 3.6,
        longitude: 98.67,
        photos: [sha],
      }),
    ]);
    expect(copy.permits[0]?.fields).toContainEqual({
      key: 'businessName',
      label: { id: 'Nama usaha', en: 'Business name' },
      value: 'Toko Maju Jaya',
    });
    const text = readableCopy(copy, await createTranslator(), defaultCity)
      .flatMap((s) => [s.heading, ...s.lines])
      .join('\n');
    expect(text).toContain('Nama usaha: Toko Maju Jaya');
    expect(text).toContain(`NIK: ${NIK}`);
    expect(text).toContain('Jl. Mawar 3');
    expect(text).toContain('(nama, telepon, email, akun chat)');
    // Times in the city's own zone, named.
    expect(text).toMatch(/\d{2}\.\d{2} WIB/);
  });

  it('UBAH DATA phone: the open permits’ contact phone changes, never the number the channel vouched for', async () => {
    const address = '6281300000005';
    const { citizenId } = await send(inbound({ channel: 'sms', address, phone: address, text: 'halo' }));
    const open = await filePermit(db.prisma, citizenId, address);
    await send(inbound({ channel: 'sms', address, phone: address, text: 'UBAH DATA' }));
    await send(inbound({ channel: 'sms', address, phone: address, choice: 'privacy.field:phone' }));
    await send(inbound({ channel: 'sms', address, phone: address, text: '6281399999999' }));

    expect((await db.prisma.citizen.findUniqueOrThrow({ where: { id: citizenId } })).phone).toBe(address);
    expect((await db.prisma.permitApplication.findUniqueOrThrow({ where: { id: open.id } })).phone).toBe(
      '6281399999999',
    );
  });
});

const TG_TOKEN = '7000000001:AAHfakeTokenForLayanKotaTests_0123456789';
const TG_SECRET = 'tg-webhook-secret_0123456789';
const TWILIO_TOKEN = 'test-auth-token-0123456789abcdef';
const TWILIO_SID = `AC${'3'.repeat(32)}`;

describe('DATA SAYA end to end: Telegram and Twilio SMS webhooks, the copy page', () => {
  const telegramApi = new FakeTelegramApi(TG_TOKEN);
  const twilio = new FakeTwilioApi();
  let app: TestApp;
  let update = 910_000_000;
  const CHAT = 6_100_200;
  const SMS = '+6281300000077';
  const prisma = () => app.core.db.prisma;

  beforeAll(async () => {
    await Promise.all([telegramApi.start(), twilio.start()]);
    app = await startApp(
      {
        TELEGRAM_BOT_TOKEN: TG_TOKEN,
        TELEGRAM_API_ROOT: telegramApi.baseUrl,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TWILIO_SID,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        TWILIO_FROM: '+15005550006',
        INBOUND_FLOOD_PER_MINUTE: '100',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([telegramApi.stop(), twilio.stop()]);
  });

  /** Sends a Telegram text by webhook and returns the replies of the outbox rows it wrote. */
  async function telegram(text: string): Promise<unknown[]> {
    const id = ++update;
    const before = await prisma().outboxMessage.count({ where: { address: String(CHAT) } });
    const res = await fetch(`${app.baseUrl}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
      body: JSON.stringify({
        update_id: id,
        message: {
          message_id: id % 100_000,
          from: { id: CHAT, is_bot: false, first_name: 'Siti', language_code: 'id' },
          chat: { id: CHAT, first_name: 'Siti', type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text,
        },
      }),
    });
    expect(res.status).toBe(200);
    const rows = await eventually(async () => {
      const all = await prisma().outboxMessage.findMany({
        where: { address: String(CHAT) },
        orderBy: { createdAt: 'asc' },
      });
      return all.length > before ? all.slice(before) : null;
    });
    return rows.map((r) => r.replies);
  }

  async function sms(body: string): Promise<unknown[]> {
    const address = SMS.slice(1);
    const before = await prisma().outboxMessage.count({ where: { address } });
    const res = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, TWILIO_TOKEN, {
      MessageSid: `SM${String(++update).padStart(32, 'b')}`,
      AccountSid: TWILIO_SID,
      From: SMS,
      To: '+15005550006',
      Body: body,
    });
    expect(res.status).toBe(200);
    const rows = await prisma().outboxMessage.findMany({ where: { address }, orderBy: { createdAt: 'asc' } });
    expect(rows.length).toBeGreaterThan(before);
    return rows.slice(before).map((r) => r.replies);
  }

  const post = (token: string, format: string) =>
    fetch(`${app.baseUrl}/data-saya/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `format=${format}`,
    });

  let permit: { id: string; trackingNumber: string };
  let token: string;

  it('an SMS number typed on a Telegram permit asking DATA SAYA <its number> gets the refusal and no link', async () => {
    await telegram('halo');
    const identity = await prisma().channelIdentity.findFirstOrThrow({
      where: { channel: 'telegram', address: String(CHAT) },
    });
    permit = await filePermit(prisma(), identity.citizenId, SMS.slice(1));
    const replies = await sms(`DATA SAYA ${permit.trackingNumber}`);
    expect(linkIn(replies)).toBeNull();
    const smsCitizen = await prisma().citizen.findUniqueOrThrow({ where: { phone: SMS.slice(1) } });
    expect(smsCitizen.id).not.toBe(identity.citizenId);
    expect(await prisma().dataCopyLink.count({ where: { citizenId: smsCitizen.id } })).toBe(0);
  });

  it('on Telegram DATA SAYA gives the link; GET shows a button and does not spend it', async () => {
    const department = (await prisma().permitApplication.findUniqueOrThrow({ where: { id: permit.id } }))
      .departmentCode;
    const officer = await prisma().officer.create({
      data: { name: 'Budi Santoso', role: 'officer', departmentCode: department },
    });
    const identity = await prisma().channelIdentity.findFirstOrThrow({
      where: { channel: 'telegram', address: String(CHAT) },
    });
    // An officer read the case (as the officers' bot records it).
    await recordPersonalData(prisma(), [
      {
        at: app.clock.now,
        actor: { type: 'officer', id: officer.id },
        action: 'view',
        via: 'bot',
        citizenId: identity.citizenId,
        caseKind: 'permit',
        trackingNumber: permit.trackingNumber,
        fields: ['name', 'nik', 'phone'],
      },
    ]);
    const found = linkIn(await telegram('DATA SAYA'));
    expect(found).not.toBeNull();
    token = found!;

    const res = await fetch(`${app.baseUrl}/data-saya/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<form method="post">');
    expect(html).not.toContain(NIK);
    expect((await prisma().dataCopyLink.findUniqueOrThrow({ where: { tokenHash: sha256(token) } })).usedAt).toBeNull();
  });

  it('POST spends the link once: the JSON copy holds the case, its NIK and its trail with the view', async () => {
    const res = await post(token, 'json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const copy = (await res.json()) as DataCopy;
    expect(copy.format).toBe('layankota.data-copy/1');
    const filed = copy.permits.find((p) => p.trackingNumber === permit.trackingNumber);
    expect(filed).toMatchObject({ nik: NIK, phone: SMS.slice(1), applicantName: 'Siti Rahmawati Nasution' });
    expect(filed?.trail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'status', to: 'submitted', actor: { type: 'citizen' } }),
        expect.objectContaining({
          kind: 'personalData',
          action: 'view',
          via: 'bot',
          fields: ['name', 'nik', 'phone'],
          actor: expect.objectContaining({ type: 'officer', role: 'officer', department: expect.any(String) }),
        }),
      ]),
    );
    expect(copy.trail.map((e) => [e.action, e.via])).toContainEqual(['copy', 'chat']);
    expect(copy.identities).toContainEqual(expect.objectContaining({ channel: 'telegram', address: String(CHAT) }));

    const again = await post(token, 'json');
    expect(again.status).toBe(410);
    expect(await again.text()).not.toContain(NIK);
    expect((await fetch(`${app.baseUrl}/data-saya/${token}`)).status).toBe(410);
    const identity = await prisma().channelIdentity.findFirstOrThrow({
      where: { channel: 'telegram', address: String(CHAT) },
    });
    const web = await prisma().personalDataEvent.count({
      where: { citizenId: identity.citizenId, action: 'copy', via: 'web' },
    });
    expect(web).toBe(1);
  });

  it('two POSTs of one link at once: one copy, one 410', async () => {
    const fresh = linkIn(await telegram('DATA SAYA'))!;
    const statuses = (await Promise.all([post(fresh, 'json'), post(fresh, 'json')])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 410]);
  });

  it('the readable page gives the text and the JSON in the one answer', async () => {
    const fresh = linkIn(await telegram('DATA SAYA'))!;
    const res = await post(fresh, 'html');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(permit.trackingNumber);
    expect(html).toContain(`NIK: ${NIK}`);
    expect(html).toContain('href="data:application/json;charset=utf-8,');
    expect(html).not.toContain('<script');
  });

  it('unknown links are 404, expired ones 410, with no hint of whose they were', async () => {
    const unknown = await fetch(`${app.baseUrl}/data-saya/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Tautan tidak ditemukan');
    const later = linkIn(await telegram('DATA SAYA'))!;
    app.clock.now = new Date(app.clock.now.getTime() + (defaultCity.privacy.copyLinkHours + 1) * 3_600_000);
    const expired = await post(later, 'html');
    expect(expired.status).toBe(410);
    const body = await expired.text();
    expect(body).toContain('Tautan tidak berlaku');
    expect(body).not.toContain('Siti');
    // Neither the tokens nor the NIK reach the log whole.
    const log = app.logLines.join('\n');
    for (const secret of [token, later, NIK]) expect(log).not.toContain(secret);
  });
});
