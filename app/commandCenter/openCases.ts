import {
  CASE_KIND,
  CASE_KIND_LIST,
  activeStatuses,
  caseColumn,
  pausedSince,
  statusList,
  type CaseKind,
  type CaseKindSpec,
} from '../../core/cases/caseKinds.js';
import type { PermitStatus } from '../../core/cases/permitLifecycle.js';
import { Prisma, type PrismaClient } from '../../core/generated/prisma/client.js';
import { CLOSE_FRACTION, type ClockState } from '../../web/slaClock.js';

/** Permit statuses shown on the board: the running ones and the one waiting on the applicant (paused). */
export const PERMIT_BOARD_STATUSES = activeStatuses(CASE_KIND.permit) as readonly PermitStatus[];

/**
 * One kind's cases on the board (open ones, and those whose clock waits on the citizen, paused),
 * each with the clock it shows: of those still running, the one due first, on a tie the earlier
 * of LAPOR's steps (a kind with only `resolve` always shows that one).
 */
function boardRows(k: CaseKindSpec): string {
  const col = (name: Parameters<typeof caseColumn>[1]) => caseColumn(k.kind, name);
  return `
    SELECT '${k.kind}'::text AS kind, x."id", x."trackingNumber" AS tracking_number, x."departmentCode" AS department_code,
           ${col('typeCode')} AS type_code, x."status"::text AS status, x."assignedOfficerId" AS holder_id,
           ${col('filedAt')} AS filed_at, ${col('filedAt')} AS started_at,
           CASE c.clock_name WHEN 'verify' THEN ${col('verifyDeadlineAt')}
                             WHEN 'firstResponse' THEN ${col('firstResponseDeadlineAt')} ELSE x."deadlineAt" END AS deadline_at,
           ${pausedSince(k)} AS paused_at, c.clock_name, ${col('description')} AS description, ${col('place')} AS place,
           ${col('latitude')} AS latitude, ${col('longitude')} AS longitude
    FROM ${k.sql.table} x
    CROSS JOIN LATERAL (
      SELECT CASE
        WHEN ${col('verifyDeadlineAt')} IS NOT NULL AND ${col('verifiedAt')} IS NULL
             AND ${col('verifyDeadlineAt')} <= x."deadlineAt"
             AND (${col('firstResponseDeadlineAt')} IS NULL OR ${col('firstRespondedAt')} IS NOT NULL
                  OR ${col('verifyDeadlineAt')} <= ${col('firstResponseDeadlineAt')}) THEN 'verify'
        WHEN ${col('firstResponseDeadlineAt')} IS NOT NULL AND ${col('firstRespondedAt')} IS NULL
             AND ${col('firstResponseDeadlineAt')} <= x."deadlineAt" THEN 'firstResponse'
        ELSE 'resolve' END AS clock_name
    ) c
    WHERE x."status" IN (${statusList(activeStatuses(k))})`;
}

export const CLOCK_STATES: readonly ClockState[] = ['on_time', 'close', 'overdue', 'paused'];

/** Which open cases: a viewer's departments (null: all) and, optionally, one kind. */
export interface OpenCaseScope {
  departments: string[] | null;
  kind?: CaseKind | undefined;
}

/** Open cases by the state of their clock. `open` is their sum. */
export interface ClockCounts {
  open: number;
  on_time: number;
  close: number;
  overdue: number;
  paused: number;
}

export interface OpenCaseCounts {
  total: ClockCounts;
  /** Only departments with at least one open case in scope, by code. */
  departments: Array<{ code: string } & ClockCounts>;
}

const list = (values: readonly string[]) => Prisma.join(values.map((v) => Prisma.sql`${v}`));

function inDepartments(departments: string[] | null): Prisma.Sql {
  if (!departments) return Prisma.empty;
  return departments.length > 0 ? Prisma.sql`AND "departmentCode" IN (${list(departments)})` : Prisma.sql`AND false`;
}

/**
 * `WITH open_cases AS (...)`: one row per open permit and complaint in scope with the clock the
 * board shows and its state at `now`, decided in SQL by the same rule as web/slaClock.js (the
 * browser's) and caseClocks' currentClock (a complaint's running clock due first; on a tie the
 * earlier of LAPOR's steps). Times are compared in float8 milliseconds, as JavaScript does, so
 * a case on the edge of "close" lands on the same side here and on the screen.
 *
 * Columns: kind, id, tracking_number, department_code, type_code, status, holder_id, filed_at,
 * started_at, deadline_at, paused_at, clock_name, ms_left, state, state_order, description,
 * place, latitude, longitude.
 */
export function openCasesCte(now: Date, scope: OpenCaseScope): Prisma.Sql {
  const at = Prisma.sql`${now}::timestamptz`;
  const where = inDepartments(scope.departments);
  const parts = CASE_KIND_LIST.filter((k) => !scope.kind || k.kind === scope.kind).map(
    (k) => Prisma.sql`${Prisma.raw(boardRows(k))} ${where}`,
  );
  const union = Prisma.join(parts, ' UNION ALL ');
  const ms = (later: Prisma.Sql, earlier: Prisma.Sql) =>
    Prisma.sql`(EXTRACT(EPOCH FROM (${later} - ${earlier})) * 1000)::float8`;
  return Prisma.sql`
    WITH raw_cases AS (${union}),
    timed AS (
      SELECT r.*, ${ms(Prisma.sql`r.deadline_at`, Prisma.sql`COALESCE(r.paused_at, ${at})`)} AS ms_left,
             GREATEST(1, ${ms(Prisma.sql`r.deadline_at`, Prisma.sql`r.started_at`)}) AS ms_span
      FROM raw_cases r
    ),
    open_cases AS (
      SELECT t.*, s.state, CASE s.state WHEN 'overdue' THEN 0 WHEN 'close' THEN 1 WHEN 'on_time' THEN 2 ELSE 3 END AS state_order
      FROM timed t
      CROSS JOIN LATERAL (
        SELECT CASE WHEN t.paused_at IS NOT NULL THEN 'paused'
                    WHEN t.ms_left <= 0 THEN 'overdue'
                    WHEN t.ms_left / t.ms_span < ${CLOSE_FRACTION}::float8 THEN 'close'
                    ELSE 'on_time' END AS state
      ) s
    )`;
}

interface CountRow {
  department: string | null;
  total: boolean;
  on_time: number;
  close: number;
  overdue: number;
  paused: number;
}

const counts = (r: CountRow | undefined): ClockCounts => {
  const c = { on_time: r?.on_time ?? 0, close: r?.close ?? 0, overdue: r?.overdue ?? 0, paused: r?.paused ?? 0 };
  return { open: c.on_time + c.close + c.overdue + c.paused, ...c };
};

/** Open cases in scope by clock state, in total and per department: one aggregate, no rows loaded. */
export async function countOpenCases(prisma: PrismaClient, now: Date, scope: OpenCaseScope): Promise<OpenCaseCounts> {
  const rows = await prisma.$queryRaw<CountRow[]>`
    ${openCasesCte(now, scope)}
    SELECT department_code AS department, GROUPING(department_code) = 1 AS total,
           count(*) FILTER (WHERE state = 'on_time')::int AS on_time,
           count(*) FILTER (WHERE state = 'close')::int AS close,
           count(*) FILTER (WHERE state = 'overdue')::int AS overdue,
           count(*) FILTER (WHERE state = 'paused')::int AS paused
    FROM open_cases GROUP BY GROUPING SETS ((department_code), ())`;
  return {
    total: counts(rows.find((r) => r.total)),
    departments: rows
      .filter((r) => !r.total)
      .map((r) => ({ code: r.department!, ...counts(r) }))
      .sort((a, b) => a.code.localeCompare(b.code)),
  };
}
