import type { CityData } from '../../core/city/loadCityData.js';
import { CASE_KIND_LIST, activeStatuses, caseColumn, pausedSince, statusList } from '../../core/cases/caseKinds.js';
import { Prisma, type PrismaClient } from '../../core/generated/prisma/client.js';

/** Ageing buckets of open cases, in whole days since filing. */
export const AGEING_BUCKETS = [
  { bucket: '0-2', min: 0, max: 2 },
  { bucket: '3-7', min: 3, max: 7 },
  { bucket: '8-14', min: 8, max: 14 },
  { bucket: '15-30', min: 15, max: 30 },
  { bucket: '>30', min: 31, max: null },
] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number]['bucket'];

/** Figures over a period. A case's deadline is its resolution clock's (a permit's only one). */
export interface PeriodFigures {
  /** Filed in the period. */
  filed: number;
  /** Closed in the period (done, rejected, not its authority). */
  closed: number;
  /** Of those, closed by the deadline. */
  closedOnTime: number;
  /** Closed in the period after the deadline, or open now with the deadline passed before the period's end. */
  overdue: number;
  /** closedOnTime / closed, in percent with one decimal; null with nothing closed. */
  compliancePercent: number | null;
  /** Median hours from filing to closing, done only (rejected and not its authority left out). */
  medianHoursToClose: number | null;
  /** Open now. */
  open: number;
}

export interface CaseReport {
  totals: PeriodFigures & { ageing: Record<AgeingBucket, number> };
  departments: Array<PeriodFigures & { code: string; name: string; ageing: Record<AgeingBucket, number> }>;
  /** Officers by the cases they held: at closing for closed cases, now for open ones. */
  officers: Array<{ id: string; name: string } & Omit<PeriodFigures, 'filed'>>;
}

export interface ReportQuery {
  departments: string[] | null;
  /** City dates, inclusive. */
  from: string;
  to: string;
  now: Date;
}

interface FigureRow {
  key: string | null;
  filed: number;
  closed: number;
  on_time: number;
  overdue: number;
  median: number | null;
  open: number;
}

/**
 * The figures of a period for what a viewer sees, each by one SQL aggregate over permits and
 * complaints together: per department and in total, per officer, and the ageing of open cases.
 */
export async function buildCaseReport(prisma: PrismaClient, city: CityData, q: ReportQuery): Promise<CaseReport> {
  const zone = city.timezone;
  const start = Prisma.sql`((${q.from}::date)::timestamp AT TIME ZONE ${zone})`;
  const end = Prisma.sql`(((${q.to}::date) + 1)::timestamp AT TIME ZONE ${zone})`;
  const inDepartments = q.departments
    ? q.departments.length > 0
      ? Prisma.sql`AND "departmentCode" IN (${Prisma.join(q.departments)})`
      : Prisma.sql`AND false`
    : Prisma.empty;
  // One row per case that matters to the period: filed or closed in it, or open now.
  // A case waiting on the citizen (paused) is still open: it counts as open, not overdue while it waits.
  const kinds = CASE_KIND_LIST.map((k) => {
    const filed = caseColumn(k.kind, 'filedAt');
    const open = statusList(activeStatuses(k));
    const paused = pausedSince(k);
    return Prisma.sql`
      SELECT x."departmentCode" AS department, x."assignedOfficerId" AS holder, x."status"::text AS status,
             ${Prisma.raw(filed)} AS filed, x."deadlineAt" AS deadline, x."closedAt" AS closed,
             x."status" IN (${Prisma.raw(open)}) AS open, ${Prisma.raw(paused)} AS paused
      FROM ${Prisma.raw(k.sql.table)} x
      WHERE ((${Prisma.raw(filed)} >= ${start} AND ${Prisma.raw(filed)} < ${end})
             OR (x."closedAt" >= ${start} AND x."closedAt" < ${end})
             OR x."status" IN (${Prisma.raw(open)})) ${inDepartments}`;
  });
  const cases = Prisma.sql`WITH c AS (${Prisma.join(kinds, ' UNION ALL ')})`;
  const inPeriod = (column: string) =>
    Prisma.sql`(${Prisma.raw(column)} >= ${start} AND ${Prisma.raw(column)} < ${end})`;
  const closedIn = Prisma.sql`(NOT open AND closed IS NOT NULL AND ${inPeriod('closed')})`;
  const figures = Prisma.sql`
    count(*) FILTER (WHERE ${inPeriod('filed')})::int AS filed,
    count(*) FILTER (WHERE ${closedIn})::int AS closed,
    count(*) FILTER (WHERE ${closedIn} AND closed <= deadline)::int AS on_time,
    count(*) FILTER (WHERE (${closedIn} AND closed > deadline)
      OR (open AND deadline < LEAST(${q.now}::timestamptz, ${end}, COALESCE(paused, 'infinity'::timestamptz))))::int AS overdue,
    (percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (closed - filed)) / 3600)
      FILTER (WHERE ${closedIn} AND status = 'done'))::float8 AS median,
    count(*) FILTER (WHERE open)::int AS open`;

  const byDepartment = await prisma.$queryRaw<Array<FigureRow & { total: boolean }>>`
    ${cases}
    SELECT department AS key, GROUPING(department) = 1 AS total, ${figures}
    FROM c GROUP BY GROUPING SETS ((department), ())`;
  const byOfficer = await prisma.$queryRaw<Array<FigureRow & { name: string }>>`
    ${cases}
    SELECT c.holder::text AS key, o."name" AS name, ${figures}
    FROM c JOIN "Officer" o ON o."id" = c.holder
    GROUP BY c.holder, o."name" ORDER BY o."name", c.holder`;
  const ageing = await prisma.$queryRaw<Array<{ key: string | null; total: boolean; bucket: string; n: number }>>`
    ${cases}
    SELECT department AS key, GROUPING(department) = 1 AS total, bucket, count(*)::int AS n
    FROM (
      SELECT department, CASE
        WHEN age <= 2 THEN '0-2' WHEN age <= 7 THEN '3-7' WHEN age <= 14 THEN '8-14' WHEN age <= 30 THEN '15-30'
        ELSE '>30' END AS bucket
      FROM (SELECT department, floor(EXTRACT(EPOCH FROM (${q.now}::timestamptz - filed)) / 86400) AS age FROM c WHERE open) a
    ) b
    GROUP BY GROUPING SETS ((department, bucket), (bucket))`;

  const ageingOf = (key: string | null, total: boolean) =>
    Object.fromEntries(
      AGEING_BUCKETS.map(({ bucket }) => [
        bucket,
        ageing.find((r) => r.bucket === bucket && (total ? r.total : !r.total && r.key === key))?.n ?? 0,
      ]),
    ) as Record<AgeingBucket, number>;
  const zero: FigureRow = { key: null, filed: 0, closed: 0, on_time: 0, overdue: 0, median: null, open: 0 };
  const toFigures = (r: FigureRow): PeriodFigures => ({
    filed: r.filed,
    closed: r.closed,
    closedOnTime: r.on_time,
    overdue: r.overdue,
    compliancePercent: r.closed > 0 ? round1((100 * r.on_time) / r.closed) : null,
    medianHoursToClose: r.median === null ? null : round1(Number(r.median)),
    open: r.open,
  });

  const shown = new Set(q.departments ?? []);
  if (!q.departments) {
    for (const d of city.departments)
      if (d.handles.some((h) => h === 'permits' || h.startsWith('complaints:'))) shown.add(d.code);
    for (const r of byDepartment) if (!r.total && r.key) shown.add(r.key);
  }
  return {
    totals: { ...toFigures(byDepartment.find((r) => r.total) ?? zero), ageing: ageingOf(null, true) },
    departments: city.departments
      .filter((d) => shown.has(d.code))
      .map((d) => ({
        code: d.code,
        name: d.name,
        ...toFigures(byDepartment.find((r) => !r.total && r.key === d.code) ?? zero),
        ageing: ageingOf(d.code, false),
      })),
    officers: byOfficer.map((r) => {
      const figures: Partial<PeriodFigures> = toFigures(r);
      // Filing is the citizen's, not the officer's.
      delete figures.filed;
      return { id: r.key!, name: r.name, ...(figures as Omit<PeriodFigures, 'filed'>) };
    }),
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
