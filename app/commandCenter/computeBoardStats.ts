import type { CityData } from '../../core/city/loadCityData.js';
import { CASE_KIND_LIST, caseColumn } from '../../core/cases/caseKinds.js';
import type { Lang } from '../../core/conversation/types.js';
import { localDate } from '../../core/domain/calendarDate.js';
import { Prisma, type PrismaClient } from '../../core/generated/prisma/client.js';
import { complaintMap, type BoardMap } from './boardMap.js';
import { countOpenCases, type ClockCounts } from './openCases.js';

/** The figures of one department (OPD); its open cases by the state of their clock. */
export interface DepartmentFigures extends ClockCounts {
  code: string;
  /** In the viewer's language. */
  name: string;
  /** Cases ever closed (done, rejected, not its authority). */
  closed: number;
  /** Cases ever finished as done. */
  done: number;
  /** Median hours from filing to done over the done cases (a refusal is no finish); null before the first. */
  medianHoursToFinish: number | null;
  /** Mean complaint rating, 1 to 5; null before the first rating. */
  satisfaction: number | null;
  ratings: number;
}

export interface BoardStats {
  /** Every open case in scope by the state of its clock: the board's tiles. */
  totals: ClockCounts;
  departments: DepartmentFigures[];
  /** Cases filed per day (city time), oldest first. */
  perDay: Array<{ date: string; permits: number; complaints: number }>;
  map: BoardMap;
}

export interface StatsQuery {
  /** The departments the viewer may see; null: all. */
  departments: string[] | null;
  now: Date;
  lang: Lang;
  days?: number;
}

interface FinishedRow {
  department: string;
  closed: number;
  done: number;
  median: number | null;
}

/**
 * The tiles, per-department figures, cases per day and the complaint map, for what a viewer
 * may see: aggregates in SQL, no list of cases loaded, true at any number of cases.
 */
export async function computeBoardStats(prisma: PrismaClient, city: CityData, q: StatsQuery): Promise<BoardStats> {
  const days = q.days ?? 14;
  const inDepartments = q.departments
    ? q.departments.length > 0
      ? Prisma.sql`AND "departmentCode" IN (${Prisma.join(q.departments)})`
      : Prisma.sql`AND false`
    : Prisma.empty;

  const open = await countOpenCases(prisma, q.now, { departments: q.departments });
  // Closed counts every way out; the median only the cases done, so refusals (rejected, not
  // the city's authority), often decided in minutes, do not make a department look fast.
  const finished = await prisma.$queryRaw<FinishedRow[]>`
    SELECT "departmentCode" AS department, count(*)::int AS closed,
           count(*) FILTER (WHERE done)::int AS done,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE done) AS median
    FROM (${Prisma.join(
      CASE_KIND_LIST.map(
        (k) => Prisma.sql`
          SELECT x."departmentCode", x."status" = 'done' AS done,
                 (EXTRACT(EPOCH FROM (x."closedAt" - ${Prisma.raw(caseColumn(k.kind, 'filedAt'))})) / 3600)::float8 AS hours
          FROM ${Prisma.raw(k.sql.table)} x WHERE x."closedAt" IS NOT NULL ${inDepartments}`,
      ),
      ' UNION ALL ',
    )}) c
    GROUP BY "departmentCode"`;
  const ratings = await prisma.complaint.groupBy({
    by: ['departmentCode'],
    where: { rating: { not: null }, ...(q.departments ? { departmentCode: { in: q.departments } } : {}) },
    _avg: { rating: true },
    _count: { rating: true },
  });

  const shown = new Set(q.departments ?? []);
  if (!q.departments) {
    for (const d of city.departments) {
      if (d.handles.some((h) => h === 'permits' || h.startsWith('complaints:'))) shown.add(d.code);
    }
    for (const d of open.departments) shown.add(d.code);
    for (const f of finished) shown.add(f.department);
  }
  const departments = city.departments
    .filter((d) => shown.has(d.code))
    .map((d): DepartmentFigures => {
      const counts = open.departments.find((o) => o.code === d.code);
      const ended = finished.find((f) => f.department === d.code);
      const rated = ratings.find((r) => r.departmentCode === d.code);
      return {
        code: d.code,
        name: d.names[q.lang],
        open: counts?.open ?? 0,
        on_time: counts?.on_time ?? 0,
        close: counts?.close ?? 0,
        overdue: counts?.overdue ?? 0,
        paused: counts?.paused ?? 0,
        closed: ended?.closed ?? 0,
        done: ended?.done ?? 0,
        medianHoursToFinish:
          ended?.median === null || ended?.median === undefined ? null : round1(Number(ended.median)),
        satisfaction:
          rated?._avg.rating === null || rated?._avg.rating === undefined ? null : round1(rated._avg.rating),
        ratings: rated?._count.rating ?? 0,
      };
    });

  return {
    totals: open.total,
    departments,
    perDay: await casesPerDay(prisma, city.timezone, q.now, days, inDepartments),
    map: await complaintMap(prisma, city, q),
  };
}

async function casesPerDay(
  prisma: PrismaClient,
  timeZone: string,
  now: Date,
  days: number,
  inDepartments: Prisma.Sql,
): Promise<BoardStats['perDay']> {
  const dates = Array.from({ length: days }, (_, i) =>
    localDate(new Date(now.getTime() - (days - 1 - i) * 86_400_000), timeZone),
  );
  const since = new Date(now.getTime() - (days + 1) * 86_400_000);
  const perKind = CASE_KIND_LIST.map((k) => {
    const filed = Prisma.raw(caseColumn(k.kind, 'filedAt'));
    return Prisma.sql`
      SELECT ${k.kind}::text AS kind, to_char(${filed} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day, count(*)::int AS n
      FROM ${Prisma.raw(k.sql.table)} x WHERE ${filed} >= ${since} ${inDepartments} GROUP BY 2`;
  });
  const rows = await prisma.$queryRaw<
    Array<{ kind: string; day: string; n: number }>
  >`${Prisma.join(perKind, ' UNION ALL ')}`;
  const count = (kind: string, date: string) => rows.find((r) => r.kind === kind && r.day === date)?.n ?? 0;
  return dates.map((date) => ({ date, permits: count('permit', date), complaints: count('complaint', date) }));
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
