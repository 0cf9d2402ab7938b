import { createReadStream } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRupiah } from '../core/domain/formatRupiah.js';
import { importLedger } from '../core/pbb/importLedger.js';
import { buildDigest } from '../core/sla/buildDigest.js';
import type { SlaCase } from '../core/sla/planTimers.js';
import { getJson, seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { cityStrings, findCityStrings } from './support/firstCityStrings.js';
import { runClock } from './support/runningClock.js';
import { SmtpSink } from './support/smtpSink.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

// A second city on data files alone (test/fixtures/second-city: WITA, a six-day week, a local
// holiday, 2% a month for at most 15 months, its own departments, permits, categories, NOP region
// and ledger), through the whole app: SMS webhooks signed as Twilio signs them, PostgreSQL, Redis,
// BullMQ timers, the outbox to a local fake of Twilio's API and an SMTP sink, and the Command
// Center's API. Every text that leaves the app (SMS, email, board payloads) is then searched for
// the first city's data (city/default), collected from its files: none may appear.

const CITY_DIR = 'test/fixtures/second-city';
const FIRST_CITY = cityStrings('city/default');
const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';
// Fri 11 Dec 2026 10:00 WITA (UTC+8). Sat 12 is a working day; Mon 14 the city's own holiday.
const START = new Date('2026-12-11T02:00:00.000Z');
const CITIZEN = '6281340000001';
const NIK = '7371014501900007';
const PERMITS = { name: 'Andi Baso', phone: '6281355500001' };
const WORKS = { name: 'Rahmat Petugas', phone: '6281355500002' };
const CLEANING = { name: 'Nurul Petugas', phone: '6281355500003' };
const INSPECTORATE = { email: 'pengawasan@tanjungharapan.example.id', phone: '6241150000777' };
const OPEN311_KEY = 'second-city-open311-key-0123';

describe('a second city, on its data alone, with no first-city string in anything it sends', () => {
  const twilio = new FakeTwilioApi();
  const sink = new SmtpSink();
  /** Board and Open311 payloads, as text, searched with the messages at the end. */
  const payloads: string[] = [];
  let app: TestApp;
  let serial = 0;
  let permitNumber = '';
  let complaintNumber = '';

  beforeAll(async () => {
    await Promise.all([twilio.start(), sink.start()]);
    app = await startApp(
      {
        CITY_DATA_DIR: CITY_DIR,
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: CITY_NUMBER,
        SMS_RATE_PER_SECOND: '50',
        SMS_MAX_PARTS: '6',
        SMTP_URL: sink.url,
        EMAIL_FROM: 'LayanKota <layanan@tanjungharapan.example.id>',
        OUTBOX_RETRY_BASE_MS: '200',
        OPEN311_API_KEYS: OPEN311_KEY,
        // One citizen walks every flow within a few minutes of the clock.
        INBOUND_FLOOD_PER_MINUTE: '1000',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    runClock(app.clock, START);
    const ledger = await importLedger(app.core.db.prisma, createReadStream(path.join(CITY_DIR, 'pbb-sppt.csv')));
    expect(ledger).toMatchObject({ inserted: 4, rejected: [] });
    await seedOfficer(app, { ...PERMITS, role: 'officer', departmentCode: 'DPMP' });
    await seedOfficer(app, { ...WORKS, role: 'officer', departmentCode: 'DPU' });
    const cleaning = await seedOfficer(app, { ...CLEANING, role: 'officer', departmentCode: 'DKP' });
    // This officer reads LayanKota in English: staff texts follow the officer's language.
    await app.core.db.prisma.officer.update({ where: { id: cleaning.id }, data: { language: 'en' } });
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([twilio.stop(), sink.stop()]);
  });

  /** Waits until nothing is pending for these addresses in the outbox. */
  const settled = (addresses: string[]) =>
    eventually(
      async () =>
        (await app.core.db.prisma.outboxMessage.count({ where: { address: { in: addresses }, status: 'pending' } })) ===
        0,
      15_000,
    );

  /** The SMS bodies sent to `phone` from the `seen`-th call on, joined. */
  const smsTo = (phone: string, seen = 0) =>
    twilio.calls
      .slice(seen)
      .filter((c) => c.To === `+${phone}`)
      .map((c) => c.Body.replace(/^\(\d\/\d\) /, ''))
      .join(' ')
      .replace(/\s+/g, ' ');

  /** Sends one SMS from `from` and returns the answer's words once every part has gone out. */
  async function sms(text: string, from = CITIZEN): Promise<string> {
    const seen = twilio.calls.length;
    const res = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, 'c')}`,
      AccountSid: ACCOUNT_SID,
      From: `+${from}`,
      To: CITY_NUMBER,
      Body: text,
    });
    expect(res.status).toBe(200);
    await settled([from]);
    return smsTo(from, seen);
  }

  it("collects the first city's strings from its files, and finds them in a text", () => {
    const from = FIRST_CITY.map((s) => s.from);
    for (const expected of [
      'city.json: name',
      'departments.json: code BAPENDA',
      'departments.json: code DLH',
      'departments.json: BAPENDA name',
      'permit-types.json: code SIUP',
      'permit-types.json: SIPB name',
      'city.json: timezoneLabel',
    ])
      expect(from).toContain(expected);
    expect(from.some((f) => f.startsWith('NOP '))).toBe(true);
    const hits = findCityStrings(FIRST_CITY, 'hubungi Bapenda, contoh 12.75.040.003.009-1555.0, mis. SIUP');
    expect(hits).toHaveLength(4);
    for (const from of ['departments.json: code BAPENDA', 'permit-types.json: code SIUP', 'NOP 12.75', 'NOP region'])
      expect(
        hits.some((h) => h.startsWith(from)),
        from,
      ).toBe(true);
    expect(
      findCityStrings(FIRST_CITY, 'Ketik NOP 18 digit, contoh 73.71.030.004.011-0025.0 (WITA), DPU, DKP.'),
    ).toEqual([]);
  });

  it("files a permit from the city's own catalogue, its deadline on the six-day week in WITA", async () => {
    // The catalogue's examples are the city's own permits.
    const browse = await sms('izin');
    expect(browse).toMatch(/Izin acara|Usaha kuliner/);
    const detail = await sms('keramaian');
    expect(detail).toContain('Izin acara');
    expect(detail).toContain('Syarat: KTP, Surat pengantar kelurahan');
    expect(await sms('1')).toContain('Ketik nama lengkap pemohon');
    expect(await sms('Daeng Rani Aminah')).toContain('Ketik NIK pemohon');
    expect(await sms(NIK)).toContain('Ketik alamat surel (email) pemohon');
    expect(await sms('rani@warga.example')).toContain('Ketik nama acara:');
    const summary = await sms('Pesta Rakyat Kelurahan Maccini');
    expect(summary).toContain('Nama acara: Pesta Rakyat Kelurahan Maccini.');
    const submitted = await sms('1');
    permitNumber = /Izin acara diterima, no\. (P\d{8})/.exec(submitted)?.[1] ?? '';
    expect(permitNumber, submitted).toMatch(/^P\d{8}$/);
    // One working day from Friday: Saturday, a working day here, to its end in WITA.
    expect(submitted).toContain('target selesai 12 Des 2026 23.59 WITA');
    // The department's officer hears of the new case.
    await settled([PERMITS.phone]);
    expect(smsTo(PERMITS.phone)).toContain(`Kasus baru untuk DPMP: ${permitNumber} Izin Keramaian`);
  });

  it('files a complaint routed to its own department, its deadline past Sunday and the local holiday', async () => {
    const asked = await sms('aduan jalan berlubang besar sejak minggu lalu, motor sering jatuh');
    expect(asked).toContain('Di mana lokasinya?');
    let answer = await sms('Jl. Pattimura depan Pasar Sentral');
    expect(answer).toContain('Jalan dan jembatan');
    const send = /Balas (\d) Kirim/.exec(answer)?.[1];
    expect(send, answer).toBeDefined();
    answer = await sms(send!);
    complaintNumber = /(A\d{8})/.exec(answer)?.[1] ?? '';
    expect(complaintNumber, answer).toMatch(/^A\d{8}$/);
    expect(answer).toContain('diteruskan ke DPU');
    // Two working days from Friday: Sat 12, (Sun 13), (Mon 14, Hari Jadi), Tue 15, in WITA.
    expect(answer).toContain('15 Des 2026 23.59 WITA');
    await settled([WORKS.phone]);
    expect(smsTo(WORKS.phone)).toContain(complaintNumber);
  });

  it('answers PBB with its example NOP, its penalty rule, and its own tax office for an unknown NOP', async () => {
    expect(await sms('pbb')).toContain('contoh: 73.71.030.004.011-0025.0');
    const bills = await sms('7371030004011 00250');
    // 2025: due 31 Aug 2025, 16 months late on 11 Dec 2026, capped at 15, 2% each: 30%.
    const y2025 = 420_000 + Math.round(420_000 * 0.3);
    // 2026: due 30 Sep 2026, 3 started months: 6%.
    const y2026 = 450_000 + Math.round(450_000 * 0.06);
    expect(bills).toContain(`2025 ${formatRupiah(y2025)}`);
    expect(bills).toContain(`2026 ${formatRupiah(y2026)}`);
    expect(bills).toContain(formatRupiah(y2025 + y2026));
    expect(bills).toContain('loket BPKPD');
    const unknown = await sms('pbb 73.71.099.999.999-9999.0');
    expect(unknown).toContain('hubungi Badan Pengelolaan Keuangan dan Pendapatan Daerah, telp 0411-500-703');
  });

  it("answers an English-speaking citizen with the English names of the city's data", async () => {
    const english = '6281340000002';
    await sms('english', english);
    expect(await sms('pbb 73.71.099.999.999-9999.0', english)).toContain('Regional Finance and Revenue Agency');
    expect(await sms('keramaian', english)).toContain('Letter from the village office');
  });

  it("takes the officers' commands, the forward example naming one of the city's own departments", async () => {
    expect(await sms('/antrian', WORKS.phone)).toContain(complaintNumber);
    expect(await sms(`/ambil ${complaintNumber}`, WORKS.phone)).toContain('sekarang Anda pegang');
    const how = await sms(`/teruskan ${complaintNumber}`, WORKS.phone);
    expect(how).toMatch(/\/teruskan A\d{8} DKP\./);
    expect(await sms(`/status ${complaintNumber} verifikasi`, WORKS.phone)).toContain('Diverifikasi');
    expect(await sms(`/balas ${complaintNumber} Tim kami meninjau lokasi besok pagi`, WORKS.phone)).toContain(
      'Pesan terkirim',
    );
    await settled([CITIZEN]);
    expect(smsTo(CITIZEN)).toContain(`${WORKS.name}, petugas ${complaintNumber}: Tim kami meninjau lokasi besok pagi`);
    expect(await sms(`/teruskan ${complaintNumber} DKP ada sampah menutup jalan`, WORKS.phone)).toContain(
      `${complaintNumber} diteruskan ke DKP`,
    );
    await settled([CLEANING.phone]);
    expect(smsTo(CLEANING.phone)).toContain(`Case forwarded to DKP: ${complaintNumber} Jalan dan jembatan`);
    const timeline = await sms(`/riwayat ${complaintNumber}`, CLEANING.phone);
    expect(timeline).toContain(complaintNumber);
  });

  it('reminds, escalates to its own Inspectorate by email and SMS, and lists the case in the digest', async () => {
    const { prisma } = app.core.db;
    const holder = await prisma.officer.findFirstOrThrow({ where: { phone: PERMITS.phone } });
    const now = app.clock.now;
    // The permit's SLA shortened to 4 s from now, half gone: a new deadline version, new timers.
    const p = await prisma.permitApplication.update({
      where: { trackingNumber: permitNumber },
      data: {
        submittedAt: new Date(now.getTime() - 4000),
        deadlineAt: new Date(now.getTime() + 4000),
        deadlineVersion: { increment: 1 },
        assignedOfficerId: holder.id,
      },
    });
    const sla: SlaCase = {
      kind: 'permit',
      id: p.id,
      startedAt: p.submittedAt,
      deadlineAt: p.deadlineAt,
      deadlineVersion: p.deadlineVersion,
    };
    await app.runtime.afterCaseChanges([sla], []);

    const reminder = await eventually(() =>
      twilio.calls.find((c) => c.To === `+${PERMITS.phone}` && c.Body.includes('Pengingat SLA')),
    );
    expect(reminder.Body).toContain(`${permitNumber} Izin Keramaian (Dinas Penanaman Modal dan Perizinan)`);
    expect(reminder.Body).toContain('WITA');
    const email = await eventually(() => sink.to(INSPECTORATE.email).find((m) => m.subject.includes(permitNumber)));
    expect(email.text).toContain(`Untuk Inspektorat Daerah: ${permitNumber} Izin Keramaian`);
    expect(email.text).toContain('Dinas Penanaman Modal dan Perizinan');
    expect(email.text).toContain('WITA');
    const escalated = await eventually(() =>
      twilio.calls.find((c) => c.To === `+${INSPECTORATE.phone}` && c.Body.includes(permitNumber)),
    );
    expect(escalated.Body).toContain('Untuk Inspektorat Daerah');

    const digest = await buildDigest(prisma, app.core.city, app.clock.now);
    await app.runtime.dispatcher.dispatch(digest);
    const mail = await eventually(() =>
      sink.to(INSPECTORATE.email).find((m) => m.subject.includes('Ringkasan harian') && m.text.includes(permitNumber)),
    );
    expect(mail.text).toContain(`${permitNumber} Izin Keramaian (DPMP)`);
  });

  it("serves the board, the TV wall and Open311 with the city's own names", async () => {
    const tv = await getJson(app, '/api/board/tv');
    expect(tv.status).toBe(200);
    expect(tv.body).toMatchObject({ city: 'Kota Tanjung Harapan', timeZone: 'Asia/Makassar', timeZoneLabel: 'WITA' });
    const cookie = await signIn(app, twilio, WORKS.phone);
    const cases = await getJson(app, '/api/cases', cookie);
    const stats = await getJson(app, '/api/stats', cookie);
    expect(stats.status).toBe(200);
    expect(JSON.stringify(stats.body)).toContain('Dinas Pekerjaan Umum');
    const services = await getJson(app, `/open311/v2/services.json?api_key=${OPEN311_KEY}`);
    expect(JSON.stringify(services.body)).toContain('Jalan dan jembatan');
    payloads.push(...[tv, cases, stats, services].map((r) => JSON.stringify(r.body)));
  });

  it("sent no string of the first city's data in any SMS, email or board payload", async () => {
    await settled([CITIZEN, PERMITS.phone, WORKS.phone, CLEANING.phone, INSPECTORATE.phone, INSPECTORATE.email]);
    const texts = [
      ...twilio.calls.map((c) => `SMS to ${c.To}: ${c.Body}`),
      ...sink.received.map((m) => `email to ${m.to.join(',')}: ${m.subject}\n${m.text}`),
      ...payloads,
    ];
    expect(twilio.calls.length).toBeGreaterThan(30);
    expect(sink.received.length).toBeGreaterThanOrEqual(2);
    const hits = texts.flatMap((t) => findCityStrings(FIRST_CITY, t));
    expect(hits).toEqual([]);
  });
});
