import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint } from '../../test/support/fileComplaint.js';
import { fileShortPermit } from '../../test/support/fileShortPermit.js';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { withMigrationLock } from '../db/migrate.js';
import type { SqlRunner } from '../db/SqlRunner.js';
import type { CityData } from './loadCityData.js';
import { syncCityData } from './syncCityData.js';

const NOW = new Date('2026-12-03T03:00:00.000Z');

describe.each(DB_KINDS)('syncCityData on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind, { migrated: true });
  });
  afterAll(() => db?.drop());

  it('mirrors every department, permit type and category of the city data', async () => {
    const prisma = db.prisma;
    expect(await prisma.department.count()).toBe(defaultCity.departments.length);
    expect(await prisma.permitType.count()).toBe(defaultCity.permitTypes.length);
    expect(await prisma.complaintCategory.count()).toBe(defaultCity.complaintCategories.length);
    const siup = await prisma.permitType.findUniqueOrThrow({ where: { code: 'SIUP' } });
    const type = defaultCity.permitTypes.find((t) => t.code === 'SIUP')!;
    expect(siup).toMatchObject({
      nameId: type.name.id,
      online: true,
      slaHours: 24,
      slaWorkingDays: null,
      departmentCode: type.department,
      requirements: type.requirements,
      fields: type.fields,
      retiredAt: null,
    });
    const pupr = await prisma.department.findUniqueOrThrow({ where: { code: 'PUPR' } });
    expect(pupr.handles).toEqual(defaultCity.departments.find((d) => d.code === 'PUPR')!.handles);
  });

  it('writes nothing when the database already holds this city data', async () => {
    expect(await syncCityData(db.sql, defaultCity, NOW)).toEqual({ synced: false, retired: 0, deleted: 0 });
    const changed: CityData = {
      ...defaultCity,
      permitTypes: defaultCity.permitTypes.map((t) => (t.code === 'SIUP' ? { ...t, slaHours: 12 } : t)),
    };
    expect((await syncCityData(db.sql, changed, NOW)).synced).toBe(true);
    expect((await db.prisma.permitType.findUniqueOrThrow({ where: { code: 'SIUP' } })).slaHours).toBe(12);
    expect(await db.prisma.citySync.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      city: defaultCity.name,
      syncedAt: NOW,
    });
    expect((await syncCityData(db.sql, changed, NOW)).synced).toBe(false);
    expect((await syncCityData(db.sql, defaultCity, NOW)).synced).toBe(true);
    expect((await db.prisma.permitType.findUniqueOrThrow({ where: { code: 'SIUP' } })).slaHours).toBe(24);
  });

  it('retires what cases and officers still point at, deletes the rest, and reinstates what comes back', async () => {
    const prisma = db.prisma;
    const citizen = await prisma.citizen.create({ data: { phone: '6281200055501' } });
    const permit = await fileShortPermit(prisma, defaultCity, {
      now: NOW,
      dueInMs: 86_400_000,
      phone: '6281200055501',
      citizenId: citizen.id,
    });
    await fileComplaint(prisma, defaultCity, {
      citizenId: citizen.id,
      categoryCode: 'lampu',
      description: 'Lampu jalan mati',
      place: 'Jl. Merdeka',
      now: NOW,
    });
    await prisma.officer.create({
      data: {
        name: 'Petugas Dinkes',
        role: 'officer',
        departmentCode: 'DINKES',
        channel: 'sms',
        address: '6281200055502',
      },
    });
    // A smaller city: SIUP, the street-light category and their departments are gone from the data.
    const gone = ['DINKES', 'KESBANGPOL'];
    const keptTypes = defaultCity.permitTypes.filter((t) => t.code !== 'SIUP' && !gone.includes(t.department));
    const smaller: CityData = {
      ...defaultCity,
      departments: defaultCity.departments.filter((d) => !gone.includes(d.code)),
      permitTypes: keptTypes,
      complaintCategories: defaultCity.complaintCategories.filter((c) => !['lampu', 'lainnya'].includes(c.code)),
    };
    expect(smaller.complaintCategories.some((c) => c.department === 'KESBANGPOL')).toBe(false);
    const result = await syncCityData(db.sql, smaller, NOW);

    const retired = async () => ({
      types: (await prisma.permitType.findMany({ where: { retiredAt: { not: null } } })).map((t) => t.code),
      categories: (await prisma.complaintCategory.findMany({ where: { retiredAt: { not: null } } })).map((c) => c.code),
      departments: (await prisma.department.findMany({ where: { retiredAt: { not: null } } })).map((d) => d.code),
    });
    // SIUP has an application, `lampu` a complaint, DINKES an officer: kept, retired.
    expect(await retired()).toEqual({ types: ['SIUP'], categories: ['lampu'], departments: ['DINKES'] });
    // The two departments' permit types and `lainnya` had nothing: gone, and so is KESBANGPOL.
    expect(await prisma.permitType.count({ where: { departmentCode: { in: gone } } })).toBe(0);
    expect(await prisma.complaintCategory.findUnique({ where: { code: 'lainnya' } })).toBeNull();
    expect(await prisma.department.findUnique({ where: { code: 'KESBANGPOL' } })).toBeNull();
    const goneTypes = defaultCity.permitTypes.filter((t) => gone.includes(t.department)).length;
    expect(result).toEqual({ synced: true, retired: 3, deleted: goneTypes + 2 });
    // The case keeps its type, readable as it was.
    const filed = await prisma.permitApplication.findUniqueOrThrow({
      where: { trackingNumber: permit.trackingNumber },
      include: { permitType: true },
    });
    expect(filed.permitType.nameId).toBe(defaultCity.permitTypes.find((t) => t.code === 'SIUP')!.name.id);

    // Back to the whole catalogue: reinstated and recreated.
    await syncCityData(db.sql, defaultCity, NOW);
    expect(await retired()).toEqual({ types: [], categories: [], departments: [] });
    expect(await prisma.permitType.count()).toBe(defaultCity.permitTypes.length);
    expect(await prisma.department.count()).toBe(defaultCity.departments.length);
  });
});

describe('syncCityData from several processes at once (PostgreSQL)', () => {
  let db: TestDatabase;
  const sessions: pg.Client[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('postgresql', { migrated: true });
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.end()));
    await db?.drop();
  });

  it('syncs a change once under the migration lock; the others find it done', async () => {
    const runners: SqlRunner[] = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        sessions.push(client);
        return {
          exec: async (text: string) => void (await client.query(text)),
          query: async (text: string, params?: unknown[]) => (await client.query(text, params)).rows,
        };
      }),
    );
    const changed: CityData = {
      ...defaultCity,
      departments: defaultCity.departments.map((d) => (d.code === 'DLH' ? { ...d, name: 'Dinas LH' } : d)),
    };
    const results = await Promise.all(
      runners.map((sql) => withMigrationLock(sql, () => syncCityData(sql, changed, NOW))),
    );
    expect(results.filter((r) => r.synced)).toHaveLength(1);
    expect((await db.prisma.department.findUniqueOrThrow({ where: { code: 'DLH' } })).name).toBe('Dinas LH');
    expect(await db.prisma.department.count()).toBe(defaultCity.departments.length);
  });
});
