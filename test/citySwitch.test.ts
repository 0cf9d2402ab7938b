import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleChat } from '../bots/console/runConsoleChat.js';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { moveComplaint } from '../core/cases/complaintService.js';
import { CaseError, type Actor } from '../core/cases/CaseError.js';
import { loadCityData } from '../core/city/loadCityData.js';
import { boot, type Core } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { cityStrings, findCityStrings } from './support/firstCityStrings.js';
import { fileComplaint } from './support/fileComplaint.js';
import { fileShortPermit } from './support/fileShortPermit.js';
import { captureLogger } from './support/silentLogger.js';
import { createTestDatabase, defaultCity, type TestDatabase } from './support/testDatabase.js';

// A database that served the first city (city/default), with cases, booted on the second city's
// data (test/fixtures/second-city): the catalogue it offers is the new city's alone; the old
// records the cases point at stay, retired, so those cases still read as they were filed.

const ROOT = path.resolve(import.meta.dirname, '..');
const SECOND = loadCityData(path.join(ROOT, 'test/fixtures/second-city'));
const NOW = new Date('2026-12-03T03:00:00.000Z');
const SYSTEM: Actor = { type: 'system' };

describe('a database switched to another city', () => {
  let db: TestDatabase;
  let core: Core;
  let dataDir: string;
  let permitNumber = '';
  let complaintNumber = '';

  beforeAll(async () => {
    db = await createTestDatabase('postgresql', { migrated: true });
    const citizen = await db.prisma.citizen.create({ data: { phone: '6281200066601' } });
    permitNumber = (
      await fileShortPermit(db.prisma, defaultCity, {
        now: NOW,
        dueInMs: 86_400_000,
        phone: '6281200066601',
        citizenId: citizen.id,
      })
    ).trackingNumber;
    complaintNumber = (
      await fileComplaint(db.prisma, defaultCity, {
        citizenId: citizen.id,
        categoryCode: 'lampu',
        description: 'Lampu jalan mati depan masjid',
        place: 'Jl. Merdeka',
        now: NOW,
      })
    ).trackingNumber;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lk-switch-'));
    const config = loadConfig({
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      CITY_DATA_DIR: path.join(ROOT, 'test/fixtures/second-city'),
    });
    core = await boot(config, { logger: captureLogger().logger, clock: () => NOW, channels: CHANNEL_CAPABILITIES });
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function sms(text: string, from = '6281200066602'): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    input.end(`${text}\n`);
    await runConsoleChat(core, { surface: 'sms', from, input, output, interactive: false, smsMaxParts: 6 });
    return written;
  }

  it("keeps only the new city's catalogue active, the old records the cases point at retired", async () => {
    const active = async (model: 'department' | 'permitType' | 'complaintCategory') =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      ((await (db.prisma[model] as any).findMany({ where: { retiredAt: null } })) as Array<{ code: string }>)
        .map((r) => r.code)
        .sort();
    expect(await active('department')).toEqual(SECOND.departments.map((d) => d.code).sort());
    expect(await active('permitType')).toEqual(SECOND.permitTypes.map((t) => t.code).sort());
    expect(await active('complaintCategory')).toEqual(SECOND.complaintCategories.map((c) => c.code).sort());
    const retiredTypes = await db.prisma.permitType.findMany({ where: { retiredAt: { not: null } } });
    expect(retiredTypes.map((t) => t.code)).toEqual(['SIUP']);
    const retiredCategories = await db.prisma.complaintCategory.findMany({ where: { retiredAt: { not: null } } });
    expect(retiredCategories.map((c) => c.code)).toEqual(['lampu']);
  });

  it("offers a resident the new city's services and permits, none of the first city's", async () => {
    const menu = await sms('menu');
    const permits = await sms('izin');
    // By SMS, the permits by their short names.
    for (const type of SECOND.permitTypes) expect(permits).toContain(type.shortName?.id ?? type.name.id);
    expect(findCityStrings(cityStrings(path.join(ROOT, 'city/default')), `${menu}\n${permits}`)).toEqual([]);
  });

  it('still reads the cases filed before the switch as they were filed', async () => {
    const siup = defaultCity.permitTypes.find((t) => t.code === 'SIUP')!;
    const permit = await db.prisma.permitApplication.findUniqueOrThrow({
      where: { trackingNumber: permitNumber },
      include: { permitType: true },
    });
    expect(permit.permitType.nameId).toBe(siup.name.id);
    expect(await sms(`cek ${permitNumber}`, '6281200066601')).toContain(permitNumber);
  });

  it('refuses to send a complaint on to a retired department', async () => {
    const complaint = await db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: complaintNumber } });
    await moveComplaint(db.prisma, { trackingNumber: complaintNumber, to: 'verified', now: NOW, actor: SYSTEM });
    await expect(
      moveComplaint(db.prisma, {
        trackingNumber: complaintNumber,
        to: 'dispositioned',
        departmentCode: complaint.departmentCode,
        note: 'Diteruskan',
        now: NOW,
        actor: SYSTEM,
      }),
    ).rejects.toThrow(new CaseError('not_found', `no department ${complaint.departmentCode}`));
    const active = SECOND.departments.find((d) => d.handles.some((h) => h.startsWith('complaints')))!;
    await moveComplaint(db.prisma, {
      trackingNumber: complaintNumber,
      to: 'dispositioned',
      departmentCode: active.code,
      note: 'Diteruskan',
      now: NOW,
      actor: SYSTEM,
    });
    expect(
      (await db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: complaintNumber } })).departmentCode,
    ).toBe(active.code);
  });
});
