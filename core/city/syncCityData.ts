import type { PrismaClient } from '../generated/prisma/client.js';
import type { CityData } from './loadCityData.js';

/**
 * Mirrors the city's catalogue (departments, permit types, complaint categories) into the
 * database, so cases can reference them. Idempotent; the files stay the source.
 */
export async function syncCityData(prisma: PrismaClient, city: CityData): Promise<void> {
  await prisma.$transaction(async (tx) => {
    for (const d of city.departments) {
      await tx.department.upsert({
        where: { code: d.code },
        create: { code: d.code, name: d.name, handles: d.handles },
        update: { name: d.name, handles: d.handles },
      });
    }
    for (const p of city.permitTypes) {
      const data = {
        nameId: p.name.id,
        nameEn: p.name.en,
        online: p.online,
        slaHours: p.slaHours ?? null,
        slaWorkingDays: p.slaWorkingDays ?? null,
        departmentCode: p.department,
        requirements: p.requirements,
        fields: p.fields,
      };
      await tx.permitType.upsert({ where: { code: p.code }, create: { code: p.code, ...data }, update: data });
    }
    for (const c of city.complaintCategories) {
      const data = {
        nameId: c.name.id,
        nameEn: c.name.en,
        slaWorkingDays: c.slaWorkingDays,
        departmentCode: c.department,
      };
      await tx.complaintCategory.upsert({ where: { code: c.code }, create: { code: c.code, ...data }, update: data });
    }
  });
}
