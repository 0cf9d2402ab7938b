import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import type { CityData } from './loadCityData.js';
import { syncCityData } from './syncCityData.js';

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
    });
    const pupr = await prisma.department.findUniqueOrThrow({ where: { code: 'PUPR' } });
    expect(pupr.handles).toEqual(defaultCity.departments.find((d) => d.code === 'PUPR')!.handles);
  });

  it('takes changes, and several processes syncing at once all succeed with the same rows', async () => {
    const changed: CityData = {
      ...defaultCity,
      departments: defaultCity.departments.map((d) => (d.code === 'DLH' ? { ...d, name: 'Dinas LH' } : d)),
      permitTypes: defaultCity.permitTypes.map((t) => (t.code === 'SIUP' ? { ...t, slaHours: 12 } : t)),
    };
    await Promise.all(Array.from({ length: 6 }, () => syncCityData(db.prisma, changed)));
    expect((await db.prisma.department.findUniqueOrThrow({ where: { code: 'DLH' } })).name).toBe('Dinas LH');
    expect((await db.prisma.permitType.findUniqueOrThrow({ where: { code: 'SIUP' } })).slaHours).toBe(12);
    expect(await db.prisma.permitType.count()).toBe(defaultCity.permitTypes.length);
    await syncCityData(db.prisma, defaultCity);
    expect((await db.prisma.permitType.findUniqueOrThrow({ where: { code: 'SIUP' } })).slaHours).toBe(24);
  });
});
