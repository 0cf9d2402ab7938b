import { createHash } from 'node:crypto';
import type { SqlRunner } from '../db/SqlRunner.js';
import type { CityData } from './loadCityData.js';

export interface CitySyncResult {
  /** False when the database already held this city data (another process synced it first). */
  synced: boolean;
  /** Records no longer in the data, kept for the cases or officers pointing at them. */
  retired: number;
  /** Records no longer in the data that nothing pointed at. */
  deleted: number;
}

/**
 * Mirrors the city's catalogue (departments, permit types, complaint categories) into the
 * database, so cases can reference them. The files stay the source; the database follows them:
 *
 * - one set-based `INSERT ... ON CONFLICT` per table, in one server-side transaction (no
 *   interactive transaction whose time limit a loaded machine could pass);
 * - records no longer in the data are deleted where nothing points at them, and retired
 *   (`retiredAt`) where cases or officers do, so their history stays readable; a record that
 *   comes back is reinstated;
 * - the checksum of what was synced is kept in `CitySync`: a boot that finds it current writes
 *   nothing. Run it under the migration lock (`withMigrationLock`) so processes starting
 *   together sync once, one after another.
 */
export async function syncCityData(sql: SqlRunner, city: CityData, now: Date = new Date()): Promise<CitySyncResult> {
  const departments = city.departments.map((d) => ({ code: d.code, name: d.name, handles: d.handles }));
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
  const categories = city.complaintCategories.map((c) => ({
    code: c.code,
    nameId: c.name.id,
    nameEn: c.name.en,
    slaWorkingDays: c.slaWorkingDays,
    departmentCode: c.department,
  }));
  const checksum = createHash('sha256').update(JSON.stringify({ departments, types, categories })).digest('hex');
  const [current] = await sql.query<{ checksum: string }>('SELECT "checksum" FROM "CitySync" WHERE "id" = 1');
  if (current?.checksum === checksum) return { synced: false, retired: 0, deleted: 0 };

  await sql.exec('BEGIN');
  try {
    await sql.query(
      `INSERT INTO "Department" ("code", "name", "handles")
       SELECT d.code, d.name, ARRAY(SELECT jsonb_array_elements_text(d.handles))
       FROM jsonb_to_recordset($1::jsonb) AS d(code text, name text, handles jsonb)
       ON CONFLICT ("code") DO UPDATE SET
         "name" = EXCLUDED."name", "handles" = EXCLUDED."handles", "retiredAt" = NULL`,
      [JSON.stringify(departments)],
    );
    await sql.query(
      `INSERT INTO "PermitType"
         ("code", "nameId", "nameEn", "online", "slaHours", "slaWorkingDays", "departmentCode", "requirements", "fields")
       SELECT t.code, t."nameId", t."nameEn", t.online, t."slaHours", t."slaWorkingDays", t."departmentCode",
         t.requirements, t.fields
       FROM jsonb_to_recordset($1::jsonb) AS t(
         code text, "nameId" text, "nameEn" text, online boolean, "slaHours" int, "slaWorkingDays" int,
         "departmentCode" text, requirements jsonb, fields jsonb)
       ON CONFLICT ("code") DO UPDATE SET
         "nameId" = EXCLUDED."nameId", "nameEn" = EXCLUDED."nameEn", "online" = EXCLUDED."online",
         "slaHours" = EXCLUDED."slaHours", "slaWorkingDays" = EXCLUDED."slaWorkingDays",
         "departmentCode" = EXCLUDED."departmentCode", "requirements" = EXCLUDED."requirements",
         "fields" = EXCLUDED."fields", "retiredAt" = NULL`,
      [JSON.stringify(types)],
    );
    await sql.query(
      `INSERT INTO "ComplaintCategory" ("code", "nameId", "nameEn", "slaWorkingDays", "departmentCode")
       SELECT c.code, c."nameId", c."nameEn", c."slaWorkingDays", c."departmentCode"
       FROM jsonb_to_recordset($1::jsonb) AS c(
         code text, "nameId" text, "nameEn" text, "slaWorkingDays" int, "departmentCode" text)
       ON CONFLICT ("code") DO UPDATE SET
         "nameId" = EXCLUDED."nameId", "nameEn" = EXCLUDED."nameEn",
         "slaWorkingDays" = EXCLUDED."slaWorkingDays", "departmentCode" = EXCLUDED."departmentCode",
         "retiredAt" = NULL`,
      [JSON.stringify(categories)],
    );
    // Types and categories before departments: a retired type keeps its department.
    const gone = [
      await retireMissing(sql, now, 'PermitType', types, [
        'SELECT 1 FROM "PermitApplication" x WHERE x."permitTypeCode" = r."code"',
      ]),
      await retireMissing(sql, now, 'ComplaintCategory', categories, [
        'SELECT 1 FROM "Complaint" x WHERE x."categoryCode" = r."code"',
      ]),
      await retireMissing(
        sql,
        now,
        'Department',
        departments,
        ['PermitType', 'ComplaintCategory', 'PermitApplication', 'Complaint', 'Officer'].map(
          (table) => `SELECT 1 FROM "${table}" x WHERE x."departmentCode" = r."code"`,
        ),
      ),
    ];
    const retired = gone.reduce((sum, g) => sum + g.retired, 0);
    const deleted = gone.reduce((sum, g) => sum + g.deleted, 0);
    await sql.query(
      `INSERT INTO "CitySync" ("id", "checksum", "city", "syncedAt", "retired", "deleted") VALUES (1, $1, $2, $3, $4, $5)
       ON CONFLICT ("id") DO UPDATE SET "checksum" = EXCLUDED."checksum", "city" = EXCLUDED."city",
         "syncedAt" = EXCLUDED."syncedAt", "retired" = EXCLUDED."retired", "deleted" = EXCLUDED."deleted"`,
      [checksum, city.name, now.toISOString(), retired, deleted],
    );
    await sql.exec('COMMIT');
    return { synced: true, retired, deleted };
  } catch (error) {
    await sql.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes the table's records missing from `kept` that none of `references` (EXISTS subqueries
 * over `r`) points at, and retires the others still active.
 */
async function retireMissing(
  sql: SqlRunner,
  now: Date,
  table: 'Department' | 'PermitType' | 'ComplaintCategory',
  kept: Array<{ code: string }>,
  references: string[],
): Promise<{ retired: number; deleted: number }> {
  const codes = JSON.stringify(kept.map((k) => k.code));
  const missing = `r."code" NOT IN (SELECT jsonb_array_elements_text($1::jsonb))`;
  const used = references.map((q) => `EXISTS (${q})`).join(' OR ');
  const [deleted] = await sql.query<{ n: number }>(
    `WITH gone AS (DELETE FROM "${table}" r WHERE ${missing} AND NOT (${used}) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [codes],
  );
  const [retired] = await sql.query<{ n: number }>(
    `WITH kept AS (UPDATE "${table}" r SET "retiredAt" = $2 WHERE ${missing} AND r."retiredAt" IS NULL RETURNING 1)
     SELECT count(*)::int AS n FROM kept`,
    [codes, now.toISOString()],
  );
  return { retired: retired?.n ?? 0, deleted: deleted?.n ?? 0 };
}
