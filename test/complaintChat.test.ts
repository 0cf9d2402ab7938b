import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleChat } from '../bots/console/runConsoleChat.js';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { boot, type Core } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { parseTrackingNumber } from '../core/domain/trackingNumber.js';
import { writeNotification } from '../core/notify/writeNotification.js';
import { captureLogger } from './support/silentLogger.js';
import { createTestDatabase, DB_KINDS, type TestDatabase } from './support/testDatabase.js';

// A citizen files a complaint (pengaduan) in the console chat, end to end and in process: boot()
// with its migrations, the inbox, the pure core, the outbox, and the console drawing the replies.

const ROOT = path.resolve(import.meta.dirname, '..');
const HOUR = 3_600_000;
const START = new Date('2026-11-27T03:00:00.000Z'); // Fri 27 Nov 2026 10:00 WIB
// Its words name the category (jalan berlubang: Jalan rusak) but no place, so the place is asked.
const DESCRIPTION = 'Jalan berlubang besar sejak minggu lalu, motor sering jatuh';
// The same problem told again a few hours later, a word changed.
const AGAIN = 'Jalan berlubang besar sejak seminggu lalu, motor sering jatuh';
const ADDRESS = 'Jl. Merdeka No. 5, depan Pasar Baru';
const PUPR = 'Dinas Pekerjaan Umum dan Penataan Ruang';

describe.each(DB_KINDS)('a complaint by console chat, end to end, on %s', (kind) => {
  let db: TestDatabase | undefined;
  let core: Core;
  let dataDir: string;
  let now = START;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lk-complaint-chat-'));
    if (kind === 'postgresql') db = await createTestDatabase('postgresql', { migrated: false });
    const config = loadConfig({
      DATABASE_URL: db?.url,
      DATA_DIR: dataDir,
      CITY_DATA_DIR: path.join(ROOT, 'city/default'),
      LOG_LEVEL: 'debug',
    });
    core = await boot(config, { logger: captureLogger().logger, clock: () => now, channels: CHANNEL_CAPABILITIES });
  });
  afterAll(async () => {
    await core?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends one line as the citizen at `from` and returns what the console printed in answer. */
  async function chat(text: string, from: string): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    input.end(`${text}\n`);
    await runConsoleChat(core, { surface: 'console', from, input, output, interactive: false, smsMaxParts: 3 });
    return written;
  }

  /**
   * Files a jalan complaint up to the answer of "Kirim", one minute per message: the problem first
   * (its words tell the category), then the place, then "1" (Kirim, not anonymous) on the summary.
   */
  async function fileComplaint(from: string, description: string): Promise<string[]> {
    const answers: string[] = [];
    for (const text of ['aduan', description, ADDRESS, '1']) {
      answers.push(await chat(text, from));
      now = new Date(now.getTime() + 60_000);
    }
    return answers;
  }

  const trackingNumberIn = (answer: string) => /Nomor pelacakan: (A\d{8})\./.exec(answer)?.[1] ?? null;

  async function complaintsOf(from: string) {
    const identity = await core.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_address: { channel: 'console', address: from } },
    });
    return core.db.prisma.complaint.findMany({
      where: { citizenId: identity.citizenId },
      include: { events: { orderBy: { id: 'asc' } } },
      orderBy: { createdAt: 'asc' },
    });
  }

  describe('one citizen', () => {
    const FROM = '6281234500001';
    let trackingNumber = '';

    it('files a complaint with category, description and address and gets a tracking number', async () => {
      now = START;
      const [description, place, summary, submitted] = await fileComplaint(FROM, DESCRIPTION);

      expect(description).toContain('Ceritakan masalahnya: apa, di mana, sejak kapan.');
      // The category came from the description's words: no category list, straight to the place.
      expect(place).not.toContain('kategori');
      expect(place).toContain('Di mana lokasinya? Ketik alamat atau patokan');
      // No separate anonymity question: hiding the name is a choice on the summary.
      for (const expected of [
        'Ringkasan pengaduan',
        'Kategori: Jalan rusak',
        `Masalah: ${DESCRIPTION}`,
        `Lokasi: ${ADDRESS}`,
        'Identitas Anda terlihat oleh petugas',
        'Kirim pengaduan ini?',
        '1. Kirim',
        '2. Kirim, rahasiakan nama',
        '3. Ubah',
        '4. Batal',
      ]) {
        expect(summary).toContain(expected);
      }

      expect(submitted).toContain(`Pengaduan diterima dan diteruskan ke ${PUPR}.`);
      trackingNumber = trackingNumberIn(submitted!) ?? '';
      expect(trackingNumber).toMatch(/^A\d{8}$/);
      expect(parseTrackingNumber(trackingNumber)).toEqual({ ok: true, trackingNumber, kind: 'complaint' });
      // Fri 27 Nov 10:00 WIB + 5 working days: Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 Dec, to the end of the day.
      expect(submitted).toContain('Target selesai: 4 Des 2026 23.59 WIB');

      const complaints = await complaintsOf(FROM);
      expect(complaints).toHaveLength(1);
      expect(complaints[0]).toMatchObject({
        trackingNumber,
        categoryCode: 'jalan',
        departmentCode: 'PUPR',
        status: 'waiting',
        description: DESCRIPTION,
        locationText: ADDRESS,
        latitude: null,
        longitude: null,
        anonymous: false,
        createdAt: new Date(START.getTime() + 3 * 60_000),
        deadlineAt: new Date('2026-12-04T16:59:59.999Z'),
      });
    });

    it('"cek <number>" shows its department and status', async () => {
      expect(trackingNumber).toMatch(/^A\d{8}$/);
      now = new Date(START.getTime() + 2 * HOUR);
      const answer = await chat(`cek ${trackingNumber}`, FROM);
      expect(answer).toContain(`${trackingNumber} Jalan rusak`);
      // The status and its clock first, then who handles it, then the history.
      const order = [
        'Status: Menunggu verifikasi',
        'Target selesai: 4 Des 2026 23.59 WIB',
        // From Fri 12:00 WIB to the end of Fri 4 Dec: 7 days and 11 h 59 min.
        'Sisa waktu 7 hari 11 jam',
        `Ditangani: ${PUPR}`,
        'Riwayat:\n27 Nov 2026 10.03 Menunggu verifikasi',
      ];
      for (const expected of order) expect(answer).toContain(expected);
      const at = order.map((expected) => answer.indexOf(expected));
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect(answer).toContain('1. Tambah info/foto');
    });

    it('a near-identical complaint within the day asks first; "1" (same) adds to the first case', async () => {
      now = new Date(START.getTime() + 3 * HOUR);
      const answers = await fileComplaint(FROM, AGAIN);
      const asked = answers.at(-1)!;
      expect(asked).toContain(
        `Anda sudah mengirim aduan serupa hari ini (${trackingNumber}). Apakah ini masalah yang sama?`,
      );
      expect(asked).toContain('1. Sama, tambahkan ke aduan itu');
      expect(asked).toContain('2. Beda, buat aduan baru');
      expect(trackingNumberIn(asked)).toBeNull();

      const added = await chat('1', FROM);
      expect(added).toContain(`Informasi ditambahkan ke aduan ${trackingNumber}. Terima kasih.`);

      const complaints = await complaintsOf(FROM);
      expect(complaints).toHaveLength(1);
      expect(complaints[0]!.trackingNumber).toBe(trackingNumber);
      expect(complaints[0]!.status).toBe('waiting');
      expect(complaints[0]!.events.map((e) => [e.actorType, e.fromStatus, e.toStatus, e.note, e.createdAt])).toEqual([
        ['citizen', null, 'waiting', null, new Date(START.getTime() + 3 * 60_000)],
        ['citizen', 'waiting', 'waiting', AGAIN, new Date(START.getTime() + 3 * HOUR + 4 * 60_000)],
      ]);
    });

    it('the note shows in the timeline', async () => {
      now = new Date(START.getTime() + 4 * HOUR);
      const answer = await chat(`cek ${trackingNumber}`, FROM);
      expect(answer).toContain(`27 Nov 2026 13.04 Menunggu verifikasi: ${AGAIN}`);
    });
  });

  describe('a problem whose words name no category', () => {
    const FROM = '6281234500004';

    it('asks the category from the list, and "2" on the summary files it anonymously', async () => {
      now = START;
      const answers: string[] = [];
      for (const text of ['aduan', 'Sudah tiga hari begini, warga resah semua', '1', ADDRESS, '2']) {
        answers.push(await chat(text, FROM));
        now = new Date(now.getTime() + 60_000);
      }
      const [, category, place, summary, submitted] = answers;
      expect(category).toContain('Masuk kategori apa aduan ini?');
      expect(category).toContain('1. Jalan rusak');
      expect(category).toContain('13. Lainnya');
      expect(place).toContain('Di mana lokasinya? Ketik alamat atau patokan');
      expect(summary).toContain('Kategori: Jalan rusak');
      expect(summary).toContain('2. Kirim, rahasiakan nama');
      expect(submitted).toContain(`Pengaduan diterima dan diteruskan ke ${PUPR}.`);

      const complaints = await complaintsOf(FROM);
      expect(complaints).toHaveLength(1);
      expect(complaints[0]).toMatchObject({
        trackingNumber: trackingNumberIn(submitted!),
        categoryCode: 'jalan',
        description: 'Sudah tiga hari begini, warga resah semua',
        locationText: ADDRESS,
        anonymous: true,
      });
    });
  });

  describe('"different" makes a second case', () => {
    /** Files one complaint, then the same again, up to the duplicate question. Returns the first number. */
    async function upToTheQuestion(from: string): Promise<string> {
      now = START;
      const first = trackingNumberIn((await fileComplaint(from, DESCRIPTION)).at(-1)!);
      now = new Date(START.getTime() + 5 * HOUR);
      const asked = (await fileComplaint(from, AGAIN)).at(-1)!;
      expect(asked).toContain(`aduan serupa hari ini (${first})`);
      return first!;
    }

    it('"2" files the second complaint as a new case', async () => {
      const from = '6281234500002';
      const first = await upToTheQuestion(from);
      const answer = await chat('2', from);
      const second = trackingNumberIn(answer);
      expect(answer).toContain(`Pengaduan diterima dan diteruskan ke ${PUPR}.`);
      expect(second).toMatch(/^A\d{8}$/);
      expect(second).not.toBe(first);

      const complaints = await complaintsOf(from);
      expect(complaints.map((c) => [c.trackingNumber, c.description, c.status, c.events.length])).toEqual([
        [first, DESCRIPTION, 'waiting', 1],
        [second, AGAIN, 'waiting', 1],
      ]);
    });

    // The word on the option, "beda", chooses it as "2" does (it once got "belum kami pahami" and
    // the draft was dropped).
    it('"beda" files the second complaint as a new case', async () => {
      const from = '6281234500003';
      await upToTheQuestion(from);
      const answer = await chat('beda', from);
      expect(answer).toContain(`Pengaduan diterima dan diteruskan ke ${PUPR}.`);
      expect(await complaintsOf(from)).toHaveLength(2);
    });
  });
  it("shows the messages written to its own number meanwhile (an officer's reply) before its own replies", async () => {
    const from = '6281377712345';
    // A message to this number written by someone else, as an officer's reply from another terminal is.
    await writeNotification(core.db.prisma, {
      channel: 'sms',
      address: from,
      language: 'id',
      conversation: true,
      replies: [
        { lines: [{ key: 'officer.toCitizen', params: { trackingNumber: 'A48271633', text: 'Tim datang sore ini' } }] },
      ],
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    input.end('halo\n');
    await runConsoleChat(core, { surface: 'sms', from, input, output, interactive: false, smsMaxParts: 3 });
    // Before, the greeting waited behind the earlier row, which nobody sent: the terminal showed nothing.
    const officer = written.indexOf('Tim datang sore ini');
    expect(officer).toBeGreaterThanOrEqual(0);
    expect(written.indexOf('Pilih layanan', officer)).toBeGreaterThan(officer);
    const pending = await core.db.prisma.outboxMessage.count({ where: { address: from, status: 'pending' } });
    expect(pending).toBe(0);
  });
});
