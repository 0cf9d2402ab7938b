import type { PrismaClient } from '../generated/prisma/client.js';
import type { CityData } from './loadCityData.js';

/**
 * Mirrors the city's catalogue (departments, permit types, complaint categories) into the
 * database, so cases can reference them. Idempotent; the files stay the source.
 *
 * One set-based statement per table, each atomic on its own, departments first for the foreign
 * keys: no interactive transaction to expire when a loaded machine boots several processes at
 * once, which then simply upsert the same rows one after another.
 */
export async function syncCityData(prisma: PrismaClient, city: CityData): Promise<void> {
  const departments = city.departments.map((d) => ({ code: d.code, name: d.name, handles: d.handles }));
  await prisma.$executeRaw`
    INSERT INTO "Department" ("code", "name", "handles")
    SELECT d.code, d.name, ARRAY(SELECT jsonb_array_elements_text(d.handles))
    FROM jsonb_to_recordset(${JSON.stringify(departments)}::jsonb) AS d(code text, name text, handles jsonb)
    ON CONFLICT ("code") DO UPDATE SET "name" = EXCLUDED."name", "handles" = EXCLUDED."handles"`;

  const types = city.permitTypes.map((p) => ({
    code: p.code,
    nameId: p.name.id,
    nameEn: p.name.en,
    online: p.online,
    slaHours: p.slaHours ?? null,
    slaWorkingDays: p.slaWorkingDays ?? null,
    departmentCode: p.department,
    requirements: p.requirements,
    fields: p.fields,
  }));
  await prisma.$executeRaw`
    INSERT INTO "PermitType"
      ("code", "nameId", "nameEn", "online", "slaHours", "slaWorkingDays", "departmentCode", "requirements", "fields")
    SELECT t.code, t."nameId", t."nameEn", t.online, t."slaHours", t."slaWorkingDays", t."departmentCode",
      t.requirements, t.fields
    FROM jsonb_to_recordset(${JSON.stringify(types)}::jsonb) AS t(
      code text, "nameId" text, "nameEn" text, online boolean, "slaHours" int, "slaWorkingDays" int,
      "departmentCode" text, requirements jsonb, fields jsonb)
    ON CONFLICT ("code") DO UPDATE SET
      "nameId" = EXCLUDED."nameId", "nameEn" = EXCLUDED."nameEn", "online" = EXCLUDED."online",
      "slaHours" = EXCLUDED."slaHours", "slaWorkingDays" = EXCLUDED."slaWorkingDays",
      "departmentCode" = EXCLUDED."departmentCode", "requirements" = EXCLUDED."requirements",
      "fields" = EXCLUDED."fields"`;

  const categories = city.complaintCategories.map((c) => ({
    code: c.code,
    nameId: c.name.id,
    nameEn: c.name.en,
    slaWorkingDays: c.slaWorkingDays,
    departmentCode: c.department,
  }));
  await prisma.$executeRaw`
    INSERT INTO "ComplaintCategory" ("code", "nameId", "nameEn", "slaWorkingDays", "departmentCode")
    SELECT c.code, c."nameId", c."nameEn", c."slaWorkingDays", c."departmentCode"
    FROM jsonb_to_recordset(${JSON.stringify(categories)}::jsonb) AS c(
      code text, "nameId" text, "nameEn" text, "slaWorkingDays" int, "departmentCode" text)
    ON CONFLICT ("code") DO UPDATE SET
      "nameId" = EXCLUDED."nameId", "nameEn" = EXCLUDED."nameEn",
      "slaWorkingDays" = EXCLUDED."slaWorkingDays", "departmentCode" = EXCLUDED."departmentCode"`;
}
