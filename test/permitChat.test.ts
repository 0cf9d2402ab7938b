import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleChat } from '../bots/console/runConsoleChat.js';
import { countSegments, isGsm7 } from '../bots/sms/gsm7.js';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { boot, type Core } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { parseTrackingNumber } from '../core/domain/trackingNumber.js';
import { captureLogger } from './support/silentLogger.js';
import { createTestDatabase, DB_KINDS, type TestDatabase } from './support/testDatabase.js';

// A citizen files a SIUP by SMS end to end, in process: boot() with its migrations, the console
// chat drawing every reply as the SMS channel would, the inbox, the pure core and the outbox.

const ROOT = path.resolve(import.meta.dirname, '..');
const FROM = '6281234567890';
const STRANGER = '6285677778888';
const HOUR = 3_600_000;
const START = new Date('2026-11-27T03:00:00.000Z'); // Fri 27 Nov 2026 10:00 WIB
const NIK = '3171010501900001';

/** One SMS as printed by the console: what the header says its length is, and its text. */
interface Sms {
  declared: number;
  text: string;
}

/** Splits console output into the SMS it printed ("[SMS 42 chars]\n<text>"). */
function smsIn(output: string): Sms[] {
  const header = /\[SMS (\d+) chars\]\n/g;
  const found: Array<{ declared: number; start: number; end: number }> = [];
  for (let m = header.exec(output); m; m = header.exec(output)) {
    found.push({ declared: Number(m[1]), start: m.index + m[0].length, end: output.length });
    if (found.length > 1) found[found.length - 2]!.end = m.index;
  }
  return found.map(({ declared, start, end }) => ({ declared, text: output.slice(start, end).replace(/\n+$/, '') }));
}

/** The words of a set of SMS, markers "(1/3)" removed and spacing flattened, to search in. */
function wordsOf(sms: Sms[]): string {
  return sms
    .map((s) => s.text.replace(/^\(\d\/\d\) /, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

describe.each(DB_KINDS)('a SIUP by SMS, end to end, on %s', (kind) => {
  let db: TestDatabase | undefined;
  let core: Core;
  let dataDir: string;
  let now = START;
  let logLines: string[] = [];
  const printed: Sms[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lk-permit-chat-'));
    // boot() migrates on its own: an empty PostgreSQL database, or a fresh PGlite under DATA_DIR.
    if (kind === 'postgresql') db = await createTestDatabase('postgresql', { migrated: false });
    const config = loadConfig({
      DATABASE_URL: db?.url,
      DATA_DIR: dataDir,
      CITY_DATA_DIR: path.join(ROOT, 'city/default'),
      LOG_LEVEL: 'debug',
    });
    const captured = captureLogger();
    logLines = captured.lines;
    core = await boot(config, { logger: captured.logger, clock: () => now, channels: CHANNEL_CAPABILITIES });
  });
  afterAll(async () => {
    await core?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends one SMS and returns the SMS printed in answer. */
  async function sms(text: string, from = FROM): Promise<Sms[]> {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    input.end(`${text}\n`);
    await runConsoleChat(core, { surface: 'sms', from, input, output, interactive: false, smsMaxParts: 4 });
    const answer = smsIn(written);
    printed.push(...answer);
    return answer;
  }

  /** Sends one SMS and returns its answer's words. */
  const reply = async (text: string, from = FROM) => wordsOf(await sms(text, from));

  let trackingNumber = '';

  it('files a SIUP by SMS, correcting a short NIK, an impossible birth date and a bad email', async () => {
    // SMS is compact: the permit's short name and its requirements as "Syarat: ...".
    const detail = await reply('siup');
    expect(detail).toContain('SIUP dagang');
    expect(detail).toContain('Syarat: KTP, NPWP');
    expect(detail).toContain('Balas 1 Ajukan sekarang');
    expect(await reply('1')).toContain('Ketik nama lengkap pemohon');
    expect(await reply('Budi Santoso')).toContain('Ketik NIK pemohon');

    const shortNik = await reply('317101050190000');
    expect(shortNik).toContain('NIK harus 16 digit, yang Anda ketik 15 digit.');
    expect(shortNik).toContain('Ketik NIK pemohon');

    const badDate = await reply('3171013202900001');
    expect(badDate).toContain('Tanggal lahir pada NIK (digit 7-12) tidak valid.');
    expect(badDate).toContain('Ketik NIK pemohon');

    // The phone step is skipped: the SMS sender's number is known.
    expect(await reply(NIK)).toContain('Ketik alamat surel (email) pemohon');

    const badEmail = await reply('budi@contoh');
    expect(badEmail).toContain('Alamat surel tidak valid');
    expect(badEmail).toContain('Ketik alamat surel (email) pemohon');

    // The field's label inside the sentence, lower-cased.
    expect(await reply('budi@contoh.id')).toContain('Ketik nama usaha:');
    expect(await reply('Toko Budi Jaya')).toContain('Ketik alamat usaha:');

    // The compact summary: the applicant in one line, each field in one.
    const summary = await reply('Jl. Merdeka No. 10, Kota Contoh');
    expect(summary).toContain(`SIUP dagang: Budi Santoso, NIK ****0001, HP ${FROM}, surel budi@contoh.id.`);
    expect(summary).toContain('Nama usaha: Toko Budi Jaya.');
    expect(summary).toContain('Alamat usaha: Jl. Merdeka No. 10, Kota Contoh.');
    expect(summary).toContain('Kirim?');
    expect(summary).toContain('Balas 1 Kirim, 2 Ubah, 3 Batal');
    expect(summary).not.toContain(NIK);

    const submitted = await reply('1');
    const match = /SIUP dagang diterima, no\. (P\d{8}), /.exec(submitted);
    expect(match).not.toBeNull();
    trackingNumber = match![1]!;
    expect(parseTrackingNumber(trackingNumber)).toMatchObject({ ok: true, trackingNumber });
    // Fri 10:00 WIB + 24 hours.
    expect(submitted).toContain('target selesai 28 Nov 2026 10.00 WIB');
  });

  it('stored the application with a deadline exactly 24 hours after it was submitted', async () => {
    expect(trackingNumber).toMatch(/^P\d{8}$/);
    const app = await core.db.prisma.permitApplication.findUniqueOrThrow({
      where: { trackingNumber },
      include: { citizen: true, events: true },
    });
    expect(app).toMatchObject({
      permitTypeCode: 'SIUP',
      status: 'submitted',
      applicantName: 'Budi Santoso',
      nik: NIK,
      phone: FROM,
      email: 'budi@contoh.id',
      fields: { businessName: 'Toko Budi Jaya', businessAddress: 'Jl. Merdeka No. 10, Kota Contoh' },
      submittedAt: START,
    });
    expect(app.deadlineAt.getTime() - app.submittedAt.getTime()).toBe(24 * HOUR);
    expect(app.citizen.phone).toBe(FROM);
    expect(app.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([[null, 'submitted']]);
  });

  it('"cek <number>" shows the owner the status and the deadline, and the timeline on request', async () => {
    now = new Date(START.getTime() + 2 * HOUR);
    // SMS is compact: the status and its clock; the history is an option, not sent.
    const answer = await reply(`cek ${trackingNumber}`);
    expect(answer).toContain(`${trackingNumber} Surat Izin Usaha Perdagangan`);
    expect(answer).toContain('Status: Diajukan Target selesai: 28 Nov 2026 10.00 WIB Sisa waktu 22 jam 0 menit');
    expect(answer).not.toContain('Ditangani');
    expect(answer).not.toContain('Riwayat:');
    const history = /(\d) Riwayat/.exec(answer)?.[1];
    expect(history, answer).toBeDefined();

    const detailed = await reply(history!);
    expect(detailed).toContain('Status: Diajukan');
    expect(detailed).toContain('Target selesai: 28 Nov 2026 10.00 WIB');
    expect(detailed).toContain('Ditangani: Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu');
    expect(detailed).toContain('Riwayat: 27 Nov 2026 10.00 Diajukan');
  });

  it('answers the number with one digit changed as invalid, not as another case', async () => {
    const digits = trackingNumber.slice(1);
    const changed = `P${digits.slice(0, 3)}${(Number(digits[3]) + 1) % 10}${digits.slice(4)}`;
    expect(changed).not.toBe(trackingNumber);
    const answer = await reply(`cek ${changed}`);
    expect(answer).toContain(`Nomor ${changed} tidak valid`);
    expect(answer).not.toContain('tidak ditemukan');
    expect(answer).not.toContain('Riwayat');
    expect(answer).not.toContain('Status:');
  });

  it('shows another sender only the status of the case', async () => {
    const answer = await reply(`cek ${trackingNumber.slice(1)}`, STRANGER);
    expect(answer).toContain('Status: Diajukan');
    expect(answer).toContain('Rincian hanya ditampilkan kepada pemohon.');
    for (const secret of ['Budi', '0001', 'Riwayat', 'Target selesai', 'Sisa waktu', 'Dinas']) {
      expect(answer).not.toContain(secret);
    }
  });

  it('printed every SMS within one GSM-7 message of 160 characters', () => {
    expect(printed.length).toBeGreaterThan(15);
    for (const { declared, text } of printed) {
      expect(isGsm7(text), text).toBe(true);
      expect(text.length, text).toBe(declared);
      expect(countSegments(text).units, text).toBeLessThanOrEqual(160);
      expect(countSegments(text).segments, text).toBe(1);
    }
    // The long summary really was split, so the check above covered multi-part replies.
    expect(printed.some((s) => /^\(1\/[2-4]\) /.test(s.text))).toBe(true);
  });

  it('never logged the NIK or the whole phone number', () => {
    expect(logLines.some((l) => l.includes('permit application submitted'))).toBe(true);
    for (const line of logLines) {
      expect(line).not.toContain(NIK);
      expect(line).not.toContain(FROM);
    }
  });
});
