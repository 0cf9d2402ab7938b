import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPhone } from '../core/domain/mask.js';
import type { Officer } from '../core/generated/prisma/client.js';
import { FakeTelegramApi, type TelegramApiCall } from './support/fakeTelegramApi.js';
import { FakeTwilioApi, postSignedTwilio, type TwilioCall } from './support/fakeTwilio.js';
import { nextLocalHour } from './support/runningClock.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { TEST_REDIS_URL } from './support/testRedis.js';
import { wipeRedisPrefix } from './support/wipeRedisPrefix.js';
import { writeTestCity } from './support/writeTestCity.js';

// Officers answer and act from the bot, end to end: the whole app (PostgreSQL, Redis, BullMQ,
// express), the real telegraf client long-polling a local fake of the Bot API for the officers,
// the real twilio SDK against a local fake of Twilio for a citizen who writes by SMS.

const TOKEN = '7000000001:AAHfakeTokenForLayanKotaOfficers_012345';
const TOKEN_SECRET_PART = TOKEN.split(':')[1] ?? TOKEN;
const TWILIO_TOKEN = 'test-auth-token-officers-0123456789';
const TWILIO_SID = `AC${'3'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';
// Wednesday 25 November 2026, 10:00 WIB: a working day, outside the SMS quiet hours.
const WORKDAY_MORNING = new Date('2026-11-25T03:00:00.000Z');
const DATE = 1795838400;

/** The citizen of the named complaint, and one who files anonymously. */
const CITIZEN = '+6281355550001';
const ANONYMOUS_CITIZEN = '+6281355550002';
/** The citizen whose complaint is closed with one /selesai. */
const WALK_CITIZEN = '+6281355550003';
const digitsOf = (number: string) => number.replace(/\D/g, '');

/** Telegram chats: each officer's private chat with the bot, and a stranger's. */
const CHAT = {
  pupr: 610_000_001,
  dlh: 610_000_002,
  inspectorate: 610_000_003,
  stranger: 610_000_004,
  invited: 610_000_005,
  puprSecond: 610_000_006,
  englishInspectorate: 610_000_007,
} as const;

const LAMP = 'Lampu jalan mati';
const DESCRIPTION = 'Lampu jalan di depan masjid mati sejak tiga malam, gelap sekali dan rawan';
const PLACE = 'Jl. Sisingamangaraja depan Masjid Raya';
const OFFICER_REPLY = 'Tim kami datang besok pagi, mohon tunjukkan tiang yang mati';
const CITIZEN_ANSWER = 'Terima kasih Pak, tiangnya yang dekat gerbang masjid';
const DONE_NOTE = 'Lampu sudah diganti';

let updateId = 910_000_000;
let queryId = 0;

const person = (chatId: number) => ({ id: chatId, is_bot: false, first_name: 'Petugas', language_code: 'id' });
const privateChat = (chatId: number) => ({ id: chatId, first_name: 'Petugas', type: 'private' });

/** A Bot API update of someone typing in their private chat with the bot; a command as Telegram marks it. */
function textUpdate(chatId: number, text: string) {
  const id = ++updateId;
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: id,
    message: {
      message_id: id % 100_000,
      from: person(chatId),
      chat: privateChat(chatId),
      date: DATE,
      text,
      ...(command ? { entities: [{ offset: 0, length: command.length, type: 'bot_command' }] } : {}),
    },
  };
}

/** A press on an inline button of one of the bot's messages. */
function buttonUpdate(chatId: number, data: string) {
  return {
    update_id: ++updateId,
    callback_query: {
      id: String(5_500_000_000_000 + ++queryId),
      from: person(chatId),
      message: {
        message_id: 1,
        from: { id: 7000000001, is_bot: true, first_name: 'LayanKota' },
        chat: privateChat(chatId),
        date: DATE,
        text: '...',
      },
      chat_instance: '-5312263347227355002',
      data,
    },
  };
}

type InlineKeyboard = Array<Array<{ text: string; callback_data: string }>>;
const textOf = (calls: TelegramApiCall[]) => calls.map((c) => String(c.params.text)).join('\n');
const buttonsOf = (calls: TelegramApiCall[]) =>
  calls.flatMap((c) =>
    ((c.params.reply_markup as { inline_keyboard?: InlineKeyboard } | undefined)?.inline_keyboard ?? []).flat(),
  );
/** The words of some SMS, part markers "(1/3) " dropped, to search in. */
const smsText = (calls: TwilioCall[]) => calls.map((c) => c.Body.replace(/^\(\d+\/\d+\) /, '')).join(' ');

describe('officers answer and act from the bot', () => {
  const api = new FakeTelegramApi(TOKEN);
  const twilio = new FakeTwilioApi();
  let app: TestApp;
  const prisma = () => app.core.db.prisma;
  let serial = 0;

  const officers = {} as Record<'pupr' | 'dlh' | 'inspectorate', Officer>;
  /** The complaint filed by SMS with a name, and the one filed anonymously. */
  let trackingNumber = '';
  let anonymousTrackingNumber = '';

  /** Waits until no row to `address` is waiting in the outbox. */
  const outboxDrained = (address: string) =>
    eventually(async () => (await prisma().outboxMessage.count({ where: { address, status: 'pending' } })) === 0);

  /**
   * Delivers an update to the chat by long polling and returns what the bot sent to that chat in
   * answer: every command and button press is answered with one message.
   */
  async function inChat(chatId: number, update: { update_id: number }): Promise<TelegramApiCall[]> {
    const before = api.callsOf('sendMessage', chatId).length;
    api.queueUpdate(update);
    await eventually(() =>
      prisma().processedInbound.findUnique({
        where: { channel_externalId: { channel: 'telegram', externalId: `tg-${update.update_id}` } },
      }),
    );
    await eventually(() => api.callsOf('sendMessage', chatId).length > before);
    await outboxDrained(String(chatId));
    return api.callsOf('sendMessage', chatId).slice(before);
  }
  const type = async (chatId: number, text: string) => textOf(await inChat(chatId, textUpdate(chatId, text)));
  const press = (chatId: number, data: string) => inChat(chatId, buttonUpdate(chatId, data));

  /** Sends one SMS as a citizen and returns the SMS the city sent back in answer. */
  async function sms(from: string, body: string): Promise<string> {
    const before = twilio.calls.length;
    const res = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, TWILIO_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, 'b')}`,
      AccountSid: TWILIO_SID,
      From: from,
      To: CITY_NUMBER,
      Body: body,
    });
    expect(res.status).toBe(200);
    await eventually(() => twilio.calls.slice(before).some((c) => c.To === from));
    await outboxDrained(digitsOf(from));
    return smsText(twilio.calls.slice(before).filter((c) => c.To === from));
  }

  /**
   * Files a street-light complaint by SMS through the whole dialogue; returns its tracking number.
   * The problem comes first and its words name the category (lampu jalan ... mati); the place is
   * asked; the summary sends it named ("1") or with the name hidden ("2").
   */
  async function fileLampComplaint(from: string, anonymous: boolean): Promise<string> {
    expect(await sms(from, 'aduan')).toContain('Ceritakan masalahnya');
    expect(await sms(from, DESCRIPTION)).toContain('Di mana lokasinya?');
    const summary = await sms(from, PLACE);
    expect(summary).toContain(`Lokasi: ${PLACE}.`);
    expect(summary).toContain('Kirim aduan ini?');
    expect(summary).toContain('Balas 1 Kirim, 2 Kirim, rahasiakan nama, 3 Ubah, 4 Batal');
    const submitted = await sms(from, anonymous ? '2' : '1');
    // The compact SMS confirmation: "Aduan diterima, diteruskan ke PUPR. No. A..., target selesai ...".
    expect(submitted).toContain('Aduan diterima, diteruskan ke PUPR.');
    const found = /No\. (A\d{8}), target selesai /.exec(submitted)?.[1];
    expect(found, submitted).toMatch(/^A\d{8}$/);
    return found!;
  }

  /** What must not change when someone without the right tries to act on a case. */
  async function caseState(tn: string) {
    const complaint = await prisma().complaint.findUniqueOrThrow({
      where: { trackingNumber: tn },
      include: { _count: { select: { events: true } } },
    });
    return {
      status: complaint.status,
      departmentCode: complaint.departmentCode,
      assignedOfficerId: complaint.assignedOfficerId,
      closedAt: complaint.closedAt,
      events: complaint._count.events,
    };
  }

  const eventsOf = async (tn: string) =>
    prisma().complaintEvent.findMany({ where: { complaint: { trackingNumber: tn } }, orderBy: { id: 'asc' } });

  // The city's own SMS quiet hours (21:00-06:00 WIB): the clock stands at 10:00 WIB but where they are the subject.
  const cityDir = writeTestCity('test/fixtures/city-quiet-hours.json');

  beforeAll(async () => {
    await Promise.all([api.start(), twilio.start()]);
    app = await startApp(
      {
        CITY_DATA_DIR: cityDir,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: api.baseUrl,
        TELEGRAM_RATE_PER_SECOND: '50',
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TWILIO_SID,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        TWILIO_FROM: CITY_NUMBER,
        SMS_RATE_PER_SECOND: '50',
        INBOUND_FLOOD_PER_MINUTE: '100',
        OUTBOX_MAX_ATTEMPTS: '3',
        OUTBOX_RETRY_BASE_MS: '100',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    app.clock.now = WORKDAY_MORNING;
    const create = (name: string, role: Officer['role'], departmentCode: string, chatId: number) =>
      prisma().officer.create({
        data: { name, role, departmentCode, channel: 'telegram', address: String(chatId) },
      });
    officers.pupr = await create('Budi Santoso', 'officer', 'PUPR', CHAT.pupr);
    officers.dlh = await create('Rina Siregar', 'officer', 'DLH', CHAT.dlh);
    officers.inspectorate = await create('Hendra Lubis', 'inspectorate', 'INSPEKTORAT', CHAT.inspectorate);
  });
  afterAll(async () => {
    const redis = app?.runtime.redis;
    const prefix = app?.runtime.keyPrefix;
    await app?.stop();
    await Promise.all([api.stop(), twilio.stop()]);
    rmSync(cityDir, { recursive: true, force: true });
    // The notice held for the morning would wait in Redis until then.
    if (redis && prefix) {
      const cleaner = new Redis(TEST_REDIS_URL);
      await wipeRedisPrefix(cleaner, prefix);
      cleaner.disconnect();
    }
  });

  describe('a street-light complaint filed by SMS, worked from Telegram to done', () => {
    it("is announced in the PUPR officer's chat as a new case with buttons to take it or see its timeline", async () => {
      trackingNumber = await fileLampComplaint(CITIZEN, false);
      const stored = await prisma().complaint.findUniqueOrThrow({ where: { trackingNumber } });
      expect(stored).toMatchObject({ categoryCode: 'lampu', departmentCode: 'PUPR', status: 'waiting' });
      expect(stored.assignedOfficerId).toBeNull();

      await eventually(() => textOf(api.callsOf('sendMessage', CHAT.pupr)).includes(trackingNumber));
      const announced = api
        .callsOf('sendMessage', CHAT.pupr)
        .filter((c) => String(c.params.text).includes(trackingNumber));
      expect(announced).toHaveLength(1);
      expect(textOf(announced)).toContain(`Kasus baru untuk PUPR: ${trackingNumber} ${LAMP}`);
      expect(buttonsOf(announced)).toEqual([
        { text: `Ambil ${trackingNumber}`, callback_data: `off.claim:${trackingNumber}` },
        { text: 'Lihat riwayat', callback_data: `off.timeline:${trackingNumber}` },
      ]);
      // Another department and the inspectorate are not told of it.
      for (const chatId of [CHAT.dlh, CHAT.inspectorate]) {
        expect(textOf(api.callsOf('sendMessage', chatId))).not.toContain(trackingNumber);
      }
    });

    it('lists the queue on /antrian with the new case, unheld, and a button to take it', async () => {
      const queue = await inChat(CHAT.pupr, textUpdate(CHAT.pupr, '/antrian'));
      expect(textOf(queue)).toContain('Antrian (1), batas waktu terdekat dulu:');
      expect(textOf(queue)).toContain(`${trackingNumber} ${LAMP}: Menunggu verifikasi`);
      expect(textOf(queue)).toContain('petugas -');
      expect(buttonsOf(queue).map((b) => b.callback_data)).toEqual([`off.claim:${trackingNumber}`]);
    });

    it('claims the case with the Take button: the case is the officer’s, an event records it', async () => {
      const before = await caseState(trackingNumber);
      const answer = await press(CHAT.pupr, `off.claim:${trackingNumber}`);
      expect(textOf(answer)).toContain(`${trackingNumber} ${LAMP} sekarang Anda pegang.`);
      expect(buttonsOf(answer).map((b) => b.callback_data)).toEqual([`off.timeline:${trackingNumber}`]);
      // The press was answered, so the officer's button stops spinning.
      expect(api.callsOf('answerCallbackQuery')).not.toHaveLength(0);

      const after = await caseState(trackingNumber);
      expect(after).toMatchObject({
        status: 'waiting',
        assignedOfficerId: officers.pupr.id,
        events: before.events + 1,
      });
      expect((await eventsOf(trackingNumber)).at(-1)).toMatchObject({
        actorType: 'officer',
        actorId: officers.pupr.id,
        fromStatus: 'waiting',
        toStatus: 'waiting',
        note: 'Diambil oleh Budi Santoso',
      });
    });

    it('refuses a move the lifecycle does not allow and names the next statuses in words, with buttons', async () => {
      const before = await caseState(trackingNumber);
      const answer = await inChat(CHAT.pupr, textUpdate(CHAT.pupr, `/status ${trackingNumber} selesai`));
      const text = textOf(answer);
      expect(text).toContain(`Perubahan status ${trackingNumber} itu tidak diperbolehkan.`);
      expect(text).toContain('Status sekarang Menunggu verifikasi; berikutnya bisa:');
      expect(text).toContain(`- Diverifikasi: /status ${trackingNumber} verifikasi`);
      expect(text).toContain(`- Ditolak: /tolak ${trackingNumber} <alasan>`);
      expect(text).toContain(`- Bukan kewenangan: /tolak ${trackingNumber} bukan <alasan>`);
      // No lifecycle names leak into the officer's words.
      expect(text).not.toMatch(/verified|rejected|not_authority|waiting/);
      // A move that needs a reason has no button: only the one that does not.
      expect(buttonsOf(answer)).toEqual([
        { text: 'Diverifikasi', callback_data: `off.status:${trackingNumber}:verified` },
      ]);
      expect(await caseState(trackingNumber)).toEqual(before);
    });

    it('sends /balas to the citizen by SMS, with the officer’s name and how to answer', async () => {
      const before = twilio.calls.length;
      const answer = await type(CHAT.pupr, `/balas ${trackingNumber} ${OFFICER_REPLY}`);
      expect(answer).toContain(`Pesan terkirim ke warga untuk ${trackingNumber}.`);
      await eventually(() => smsText(twilio.calls.slice(before)).includes(OFFICER_REPLY));
      const toCitizen = twilio.calls.slice(before).filter((c) => c.To === CITIZEN);
      expect(toCitizen.length).toBeGreaterThan(0);
      expect(toCitizen.every((c) => c.From === CITY_NUMBER)).toBe(true);
      expect(smsText(toCitizen)).toContain(`Budi Santoso, petugas ${trackingNumber}: ${OFFICER_REPLY}`);
      expect(smsText(toCitizen)).toContain('Balas pesan ini untuk menjawab petugas.');
      expect((await eventsOf(trackingNumber)).at(-1)).toMatchObject({
        actorType: 'officer',
        actorId: officers.pupr.id,
        note: `Balasan petugas: ${OFFICER_REPLY}`,
      });
    });

    it("relays the citizen's SMS answer to the officer's chat", async () => {
      const told = await sms(CITIZEN, CITIZEN_ANSWER);
      expect(told).toContain(`Pesan Anda diteruskan ke petugas ${trackingNumber}.`);
      await eventually(() => textOf(api.callsOf('sendMessage', CHAT.pupr)).includes(CITIZEN_ANSWER));
      const relayed = api
        .callsOf('sendMessage', CHAT.pupr)
        .filter((c) => String(c.params.text).includes(CITIZEN_ANSWER));
      expect(textOf(relayed)).toBe(`Balasan warga untuk ${trackingNumber}: ${CITIZEN_ANSWER}`);
      expect(buttonsOf(relayed).map((b) => b.callback_data)).toEqual([`off.timeline:${trackingNumber}`]);
      expect((await eventsOf(trackingNumber)).at(-1)).toMatchObject({
        actorType: 'citizen',
        note: `Balasan warga: ${CITIZEN_ANSWER}`,
      });
    });

    it('moves it to verified with its button, in process with /status, and to done with /selesai; the citizen is told each by SMS', async () => {
      const before = twilio.calls.length;
      // The first step with the button the refusal above offered; it offers the next one.
      const verified = await press(CHAT.pupr, `off.status:${trackingNumber}:verified`);
      expect(textOf(verified)).toBe(`${trackingNumber} sekarang: Diverifikasi. Warga sudah diberi tahu.`);
      expect(buttonsOf(verified)).toEqual([
        { text: 'Ditindaklanjuti', callback_data: `off.status:${trackingNumber}:in_process` },
      ]);
      expect(await type(CHAT.pupr, `/status ${trackingNumber} proses`)).toContain(
        `${trackingNumber} sekarang: Ditindaklanjuti. Warga sudah diberi tahu.`,
      );
      expect(await type(CHAT.pupr, `/selesai ${trackingNumber} ${DONE_NOTE}`)).toContain(
        `${trackingNumber} sekarang: Selesai. Warga sudah diberi tahu.`,
      );
      await eventually(() => smsText(twilio.calls.slice(before)).includes(DONE_NOTE));
      await outboxDrained(digitsOf(CITIZEN));
      const told = smsText(twilio.calls.slice(before).filter((c) => c.To === CITIZEN));
      expect(told).toContain(`Status ${trackingNumber} (${LAMP}): Diverifikasi.`);
      expect(told).toContain(`Status ${trackingNumber} (${LAMP}): Ditindaklanjuti.`);
      expect(told).toContain(`Status ${trackingNumber} (${LAMP}): Selesai.`);
      expect(told).toContain(`Catatan petugas: ${DONE_NOTE}`);
      // Only the done notice asks for the rating, in words that work from any step.
      const rateHow = `Beri nilai: balas NILAI ${trackingNumber} dan angka 1 (sangat buruk) sampai 5 (sangat baik).`;
      expect(told.split(rateHow)).toHaveLength(2);
      expect(told.indexOf(rateHow)).toBeGreaterThan(told.indexOf(`(${LAMP}): Selesai.`));

      const done = await prisma().complaint.findUniqueOrThrow({ where: { trackingNumber } });
      expect(done).toMatchObject({ status: 'done', assignedOfficerId: officers.pupr.id });
      expect(done.closedAt).toEqual(WORKDAY_MORNING);
    });

    it('recorded every officer action as an event with the officer as actor', async () => {
      const events = await eventsOf(trackingNumber);
      const byOfficer = events.filter((e) => e.actorType === 'officer');
      expect(byOfficer.map((e) => [e.fromStatus, e.toStatus, e.note])).toEqual([
        ['waiting', 'waiting', 'Diambil oleh Budi Santoso'],
        ['waiting', 'waiting', `Balasan petugas: ${OFFICER_REPLY}`],
        ['waiting', 'verified', null],
        ['verified', 'in_process', null],
        ['in_process', 'done', DONE_NOTE],
      ]);
      expect(byOfficer.every((e) => e.actorId === officers.pupr.id)).toBe(true);
      // Everything else is the citizen's: filing the complaint and answering the officer.
      expect(events.filter((e) => e.actorType !== 'officer').map((e) => e.actorType)).toEqual(['citizen', 'citizen']);
    });

    it('takes the rating by SMS as the done notice asks for it', async () => {
      expect(await sms(CITIZEN, `NILAI ${trackingNumber} 5`)).toContain('Terima kasih atas penilaian Anda.');
      expect(await prisma().complaint.findUniqueOrThrow({ where: { trackingNumber } })).toMatchObject({
        status: 'done',
        rating: 5,
      });
    });
  });

  describe('who may see and act on a case', () => {
    beforeAll(async () => {
      anonymousTrackingNumber = await fileLampComplaint(ANONYMOUS_CITIZEN, true);
      await eventually(() => textOf(api.callsOf('sendMessage', CHAT.pupr)).includes(anonymousTrackingNumber));
      await outboxDrained(String(CHAT.pupr));
    });

    it('refuses an officer of another department to see, take or finish it, and leaves it unchanged', async () => {
      const before = await caseState(anonymousTrackingNumber);
      for (const command of ['/riwayat', '/ambil', '/selesai']) {
        const answer = await type(CHAT.dlh, `${command} ${anonymousTrackingNumber}`);
        expect(answer).toBe(`Kasus ${anonymousTrackingNumber} bukan wewenang dinas Anda.`);
      }
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
      const refusals = app.logLines.filter((l) => l.includes('officer refused: other department'));
      expect(refusals).toHaveLength(3);
      expect(refusals.every((l) => l.includes(officers.dlh.id))).toBe(true);
      // Nor does the case show in their queue.
      expect(await type(CHAT.dlh, '/antrian')).toBe('Antrian kosong. Tidak ada kasus terbuka.');
    });

    it("refuses an officer of another department the Take button of someone else's case, and leaves it unchanged", async () => {
      const before = await caseState(anonymousTrackingNumber);
      const answer = textOf(await press(CHAT.dlh, `off.claim:${anonymousTrackingNumber}`));
      expect(answer).toBe(`Kasus ${anonymousTrackingNumber} bukan wewenang dinas Anda.`);
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
    });

    it('lets the inspectorate read the timeline but not finish the case', async () => {
      const before = await caseState(anonymousTrackingNumber);
      const timeline = await type(CHAT.inspectorate, `/riwayat ${anonymousTrackingNumber}`);
      expect(timeline).toContain(`${anonymousTrackingNumber} ${LAMP}: Menunggu verifikasi`);
      expect(timeline).toContain('Pelapor: dirahasiakan.');
      expect(await type(CHAT.inspectorate, `/selesai ${anonymousTrackingNumber}`)).toBe(
        `Anda hanya dapat melihat kasus ${anonymousTrackingNumber}, tidak mengubahnya.`,
      );
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
      expect(app.logLines.some((l) => l.includes('officer refused: read only'))).toBe(true);
    });

    it("lets the inspectorate read the timeline with the officer's timeline button, and nothing changes", async () => {
      const before = await caseState(anonymousTrackingNumber);
      const timeline = textOf(await press(CHAT.inspectorate, `off.timeline:${anonymousTrackingNumber}`));
      expect(timeline).toContain(`${anonymousTrackingNumber} ${LAMP}: Menunggu verifikasi`);
      expect(timeline).toContain('Pelapor: dirahasiakan.');
      expect(textOf(await press(CHAT.inspectorate, `off.done:${anonymousTrackingNumber}`))).toBe(
        `Anda hanya dapat melihat kasus ${anonymousTrackingNumber}, tidak mengubahnya.`,
      );
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
    });

    it("keeps an anonymous complainant unknown in the department officer's timeline", async () => {
      const timeline = textOf(await press(CHAT.pupr, `off.timeline:${anonymousTrackingNumber}`));
      expect(timeline).toContain(`${anonymousTrackingNumber} ${LAMP}: Menunggu verifikasi`);
      expect(timeline).toContain('Pelapor: dirahasiakan.');
      expect(timeline).toContain(`Isi: ${DESCRIPTION}`);
      expect(timeline).not.toContain('HP ');
      expect(timeline).not.toContain(digitsOf(ANONYMOUS_CITIZEN));
      expect(timeline).not.toContain(maskPhone(digitsOf(ANONYMOUS_CITIZEN)));
    });

    it('shows a named complainant to the department officer with the phone masked', async () => {
      const timeline = textOf(await press(CHAT.pupr, `off.timeline:${trackingNumber}`));
      // Who acted, in words: the citizen filed and answered, the officer did the rest.
      expect(timeline).toMatch(/ Menunggu verifikasi \(warga\)\n/);
      expect(timeline).toContain(`Selesai (petugas): ${DONE_NOTE}`);
      expect(timeline).not.toMatch(/\((citizen|officer|system)\)/);
      expect(timeline).toContain(`HP ${maskPhone(digitsOf(CITIZEN))}`);
      expect(timeline).not.toContain(digitsOf(CITIZEN));
    });

    it('refuses a stranger’s officer commands, logs a warning, and leaves the case unchanged', async () => {
      const before = await caseState(anonymousTrackingNumber);
      const warnings = () => app.logLines.filter((l) => l.includes('officer command from a stranger refused'));
      const seen = warnings().length;
      for (const command of ['/antrian', `/selesai ${anonymousTrackingNumber}`]) {
        expect(await type(CHAT.stranger, command)).toBe(
          'Perintah ini hanya untuk petugas terdaftar. Ketik MENU untuk layanan warga.',
        );
      }
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
      const logged = warnings().slice(seen);
      expect(logged).toHaveLength(2);
      for (const line of logged) {
        const entry = JSON.parse(line) as { level: number; channel: string; address: string; command: string };
        expect(entry).toMatchObject({ level: 40, channel: 'telegram', address: maskPhone(String(CHAT.stranger)) });
      }
      expect(logged.map((l) => (JSON.parse(l) as { command: string }).command)).toEqual(['queue', 'done']);
    });

    it("refuses a stranger's press of an officer's button, logs a warning, and leaves the case unchanged", async () => {
      const before = await caseState(anonymousTrackingNumber);
      const warnings = () => app.logLines.filter((l) => l.includes('officer command from a stranger refused'));
      const seen = warnings().length;
      for (const data of [`off.claim:${anonymousTrackingNumber}`, `off.done:${anonymousTrackingNumber}`]) {
        expect(textOf(await press(CHAT.stranger, data))).toBe(
          'Perintah ini hanya untuk petugas terdaftar. Ketik MENU untuk layanan warga.',
        );
      }
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
      const logged = warnings().slice(seen);
      expect(logged.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ level: 40, channel: 'telegram', command: 'claim' }),
        expect.objectContaining({ level: 40, channel: 'telegram', command: 'done' }),
      ]);
      // A refused stranger is not made a citizen or an officer.
      expect(await prisma().officer.count({ where: { channel: 'telegram', address: String(CHAT.stranger) } })).toBe(0);
    });
  });

  describe('a citizen busy with another service when the officer writes', () => {
    it('still relays their answer to the officer', async () => {
      expect(await sms(ANONYMOUS_CITIZEN, 'cek')).toContain(anonymousTrackingNumber);
      await type(CHAT.pupr, `/balas ${anonymousTrackingNumber} Mohon info patokan terdekat`);
      expect(await sms(ANONYMOUS_CITIZEN, 'dekat warung kopi Pak Ucok')).toContain(
        `Pesan Anda diteruskan ke petugas ${anonymousTrackingNumber}.`,
      );
      await eventually(() => textOf(api.callsOf('sendMessage', CHAT.pupr)).includes('warung kopi Pak Ucok'));
      expect(textOf(api.callsOf('sendMessage', CHAT.pupr))).toContain(
        `Balasan warga untuk ${anonymousTrackingNumber}: dekat warung kopi Pak Ucok`,
      );
    });
  });

  describe('at night, in the SMS quiet hours', () => {
    it("holds the status notice for the morning but sends the officer's /balas at once", async () => {
      // 22:00 WIB ahead of the real clock, so the hold's end (06:00 WIB) is ahead of it too.
      app.clock.now = nextLocalHour(new Date(Date.now() + 3_600_000), 22);
      const address = digitsOf(ANONYMOUS_CITIZEN);
      const queue = new Queue('outbox-sms', { connection: app.runtime.redis!, prefix: app.runtime.keyPrefix });
      try {
        const before = twilio.calls.length;
        expect(await type(CHAT.pupr, `/status ${anonymousTrackingNumber} verifikasi`)).toContain(
          `${anonymousTrackingNumber} sekarang: Diverifikasi.`,
        );
        const notice = await prisma().outboxMessage.findFirstOrThrow({
          where: { address, kind: 'notification' },
          orderBy: { seq: 'desc' },
        });
        expect(JSON.stringify(notice.replies)).toContain('notify.status');
        // The notice waits for 06:00 as a delayed job, untried.
        const job = await eventually(async () => {
          const j = await queue.getJob(notice.id);
          return j && (await j.getState()) === 'delayed' ? j : null;
        });
        expect(Date.now() + job.delay).toBeGreaterThanOrEqual(nextLocalHour(app.clock.now, 6).getTime());

        // The officer's answer is the citizen's conversation: it goes now, past the held notice.
        const said = 'Tim kami sudah di lokasi malam ini';
        expect(await type(CHAT.pupr, `/balas ${anonymousTrackingNumber} ${said}`)).toBe(
          `Pesan terkirim ke warga untuk ${anonymousTrackingNumber}.`,
        );
        await eventually(() =>
          smsText(twilio.calls.slice(before).filter((c) => c.To === ANONYMOUS_CITIZEN)).includes(said),
        );
        const sent = await eventually(async () => {
          const row = await prisma().outboxMessage.findFirstOrThrow({ where: { address }, orderBy: { seq: 'desc' } });
          return row.status === 'sent' ? row : null;
        });
        expect(sent.kind).toBe('reply');
        await sleep(300);
        const toCitizen = smsText(twilio.calls.slice(before).filter((c) => c.To === ANONYMOUS_CITIZEN));
        expect(toCitizen).not.toContain('Diverifikasi');
        expect(await prisma().outboxMessage.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({
          status: 'pending',
          attempts: 0,
        });
      } finally {
        await queue.close();
        app.clock.now = WORKDAY_MORNING;
      }
    });
  });

  describe('a held case claimed by another officer of the department', () => {
    const andi = 'Andi Nasution';
    let second: Officer;
    beforeAll(async () => {
      second = await prisma().officer.create({
        data: {
          name: andi,
          role: 'officer',
          departmentCode: 'PUPR',
          channel: 'telegram',
          address: String(CHAT.puprSecond),
        },
      });
      expect(textOf(await press(CHAT.pupr, `off.claim:${anonymousTrackingNumber}`))).toContain('sekarang Anda pegang.');
    });

    it('asks first, and changes nothing until confirmed', async () => {
      const before = await caseState(anonymousTrackingNumber);
      expect(before.assignedOfficerId).toBe(officers.pupr.id);
      const asked = await inChat(CHAT.puprSecond, textUpdate(CHAT.puprSecond, `/ambil ${anonymousTrackingNumber}`));
      expect(textOf(asked)).toBe(
        `${anonymousTrackingNumber} ${LAMP} sedang dipegang Budi Santoso. Ambil alih? Ketik /ambil ${anonymousTrackingNumber} ya (atau tekan tombolnya, bila ada). Budi Santoso akan diberi tahu.`,
      );
      expect(buttonsOf(asked)).toEqual([
        { text: `Ambil alih ${anonymousTrackingNumber}`, callback_data: `off.claim:${anonymousTrackingNumber}:ya` },
        { text: 'Lihat riwayat', callback_data: `off.timeline:${anonymousTrackingNumber}` },
      ]);
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
    });

    it('takes it over on the confirming button, records it, and tells the previous holder', async () => {
      const toBudi = api.callsOf('sendMessage', CHAT.pupr).length;
      const taken = await press(CHAT.puprSecond, `off.claim:${anonymousTrackingNumber}:ya`);
      expect(textOf(taken)).toBe(`${anonymousTrackingNumber} ${LAMP} sekarang Anda pegang.`);
      expect((await caseState(anonymousTrackingNumber)).assignedOfficerId).toBe(second.id);
      expect((await eventsOf(anonymousTrackingNumber)).at(-1)).toMatchObject({
        actorType: 'officer',
        actorId: second.id,
        note: `Diambil alih dari Budi Santoso oleh ${andi}`,
      });
      await eventually(() => api.callsOf('sendMessage', CHAT.pupr).length > toBudi);
      expect(textOf(api.callsOf('sendMessage', CHAT.pupr).slice(toBudi))).toBe(
        `${anonymousTrackingNumber} ${LAMP} diambil alih oleh ${andi}. Kasus ini tidak lagi Anda pegang.`,
      );
    });

    it('takes it back with the typed confirmation, and the officer who held it is told', async () => {
      const toAndi = api.callsOf('sendMessage', CHAT.puprSecond).length;
      expect(await type(CHAT.pupr, `/ambil ${anonymousTrackingNumber} ya`)).toBe(
        `${anonymousTrackingNumber} ${LAMP} sekarang Anda pegang.`,
      );
      expect((await caseState(anonymousTrackingNumber)).assignedOfficerId).toBe(officers.pupr.id);
      await eventually(() => api.callsOf('sendMessage', CHAT.puprSecond).length > toAndi);
      expect(textOf(api.callsOf('sendMessage', CHAT.puprSecond).slice(toAndi))).toContain(
        `diambil alih oleh Budi Santoso.`,
      );
      // Claiming one's own case again changes nothing.
      const before = await caseState(anonymousTrackingNumber);
      expect(await type(CHAT.pupr, `/ambil ${anonymousTrackingNumber}`)).toBe(
        `${anonymousTrackingNumber} ${LAMP} sudah Anda pegang.`,
      );
      expect(await caseState(anonymousTrackingNumber)).toEqual(before);
    });
  });

  describe('an officer who reads English', () => {
    it('reads statuses, actors, the title and dates in English', async () => {
      await prisma().officer.create({
        data: {
          name: 'Maya Tan',
          role: 'inspectorate',
          departmentCode: 'INSPEKTORAT',
          channel: 'telegram',
          address: String(CHAT.englishInspectorate),
          language: 'en',
        },
      });
      const timeline = await type(CHAT.englishInspectorate, `/timeline ${anonymousTrackingNumber}`);
      expect(timeline).toContain(`${anonymousTrackingNumber} Street light out: Verified, due `);
      expect(timeline).toContain('Reporter: hidden.');
      expect(timeline).toMatch(/ Awaiting verification \(citizen\)\n/);
      expect(timeline).toMatch(/ Verified \(officer\)/);
      expect(timeline).not.toMatch(/Diverifikasi|Menunggu|\((warga|petugas)\)/);
    });
  });

  describe('a waiting complaint closed with one /selesai', () => {
    it('walks it through verified and in process to done, each an event, the note with the last', async () => {
      const tn = await fileLampComplaint(WALK_CITIZEN, false);
      await eventually(() => textOf(api.callsOf('sendMessage', CHAT.pupr)).includes(tn));
      await outboxDrained(String(CHAT.pupr));
      const before = twilio.calls.length;
      const answer = await type(CHAT.pupr, `/selesai ${tn} ${DONE_NOTE}`);
      expect(answer).toBe(
        [
          `${tn} ditutup dalam 3 langkah, masing-masing tercatat:`,
          '- Diverifikasi',
          '- Ditindaklanjuti',
          '- Selesai',
          `${tn} sekarang: Selesai. Warga sudah diberi tahu.`,
        ].join('\n'),
      );
      const byOfficer = (await eventsOf(tn)).filter((e) => e.actorType === 'officer');
      expect(byOfficer.map((e) => [e.fromStatus, e.toStatus, e.note, e.actorId])).toEqual([
        ['waiting', 'verified', null, officers.pupr.id],
        ['verified', 'in_process', null, officers.pupr.id],
        ['in_process', 'done', DONE_NOTE, officers.pupr.id],
      ]);
      const closed = await prisma().complaint.findUniqueOrThrow({ where: { trackingNumber: tn } });
      expect(closed).toMatchObject({ status: 'done', closedAt: WORKDAY_MORNING });
      expect(closed.verifiedAt).toEqual(WORKDAY_MORNING);
      // The citizen hears of the end, with the note and the rating question.
      await eventually(() => smsText(twilio.calls.slice(before)).includes(DONE_NOTE));
      await outboxDrained(digitsOf(WALK_CITIZEN));
      const told = smsText(twilio.calls.slice(before).filter((c) => c.To === WALK_CITIZEN));
      expect(told).toContain(`Status ${tn} (${LAMP}): Selesai.`);
      expect(told).toContain(`Beri nilai: balas NILAI ${tn}`);
    });
  });

  describe('an invited officer links their chat', () => {
    it('with /daftar and the invitation code, once', async () => {
      const invited = await prisma().officer.create({
        data: { name: 'Sari Ginting', role: 'supervisor', departmentCode: 'DISHUB', inviteCode: 'K7XM2PQR' },
      });
      expect(await type(CHAT.invited, '/daftar K7XM2PQR')).toContain(
        'Terdaftar sebagai petugas Sari Ginting (penyelia).',
      );
      expect(await prisma().officer.findUniqueOrThrow({ where: { id: invited.id } })).toMatchObject({
        channel: 'telegram',
        address: String(CHAT.invited),
        inviteCode: null,
      });
      // The code is spent: from another chat it is refused.
      expect(await type(CHAT.stranger, '/daftar K7XM2PQR')).toBe('Kode undangan tidak valid atau sudah dipakai.');
      expect(await prisma().officer.count({ where: { address: String(CHAT.stranger) } })).toBe(0);
      expect(app.logLines.some((l) => l.includes('officer linked to chat account'))).toBe(true);
    });
  });

  it('never logged the bot token or a whole phone number', () => {
    expect(app.logLines.some((l) => l.includes('Telegram long polling started'))).toBe(true);
    for (const logged of app.logLines) {
      expect(logged).not.toContain(TOKEN_SECRET_PART);
      expect(logged).not.toContain(TWILIO_TOKEN);
      for (const number of [CITIZEN, ANONYMOUS_CITIZEN]) expect(logged).not.toContain(digitsOf(number));
    }
  });
});
