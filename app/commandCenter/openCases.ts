import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import { Prisma, type PrismaClient } from '../../core/generated/prisma/client.js';
import { CLOSE_FRACTION, type ClockState } from '../../web/slaClock.js';

/**
 * Permit statuses shown on the board: the running ones (core's PERMIT_OPEN_STATUSES) and the one
 * waiting for the applicant, whose clock is paused.
 */
export const PERMIT_BOARD_STATUSES = ['submitted', 'verified', 'in_process', 'needs_revision'] as const;

export const CLOCK_STATES: readonly ClockState[] = ['on_time', 'close', 'overdue', 'paused'];

/** Which open cases: a viewer's departments (null: all) and, optionally, one kind. */
export interface OpenCaseScope {
  departments: string[] | null;
  kind?: 'permit' | 'complaint' | undefined;
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
  const permits = Prisma.sql`
    SELECT 'permit'::text AS kind, p."id", p."trackingNumber" AS tracking_number, p."departmentCode" AS department_code,
           p."permitTypeCode" AS type_code, p."status"::text AS status, p."assignedOfficerId" AS holder_id,
           p."submittedAt" AS filed_at, p."submittedAt" AS started_at, p."deadlineAt" AS deadline_at,
           CASE WHEN p."status" = 'needs_revision' THEN COALESCE(p."slaPausedAt", p."updatedAt") END AS paused_at,
           'resolve'::text AS clock_name, NULL::text AS description, NULL::text AS place,
           NULL::float8 AS latitude, NULL::float8 AS longitude
    FROM "PermitApplication" p
    WHERE p."status" IN (${list(PERMIT_BOARD_STATUSES)}) ${where}`;
  // The running clocks: verification until decided, first response until answered, resolution
  // always (the complaint is open). Chosen by the earliest deadline, ties to the earlier step.
  const complaints = Prisma.sql`
    SELECT 'complaint'::text AS kind, c."id", c."trackingNumber" AS tracking_number, c."departmentCode" AS department_code,
           c."categoryCode" AS type_code, c."status"::text AS status, c."assignedOfficerId" AS holder_id,
           c."createdAt" AS filed_at, c."createdAt" AS started_at,
           CASE k.clock_name WHEN 'verify' THEN c."verifyDeadlineAt"
                             WHEN 'firstResponse' THEN c."firstResponseDeadlineAt" ELSE c."deadlineAt" END AS deadline_at,
           NULL::timestamptz AS paused_at, k.clock_name, c."description", c."locationText" AS place,
           c."latitude", c."longitude"
    FROM "Complaint" c
    CROSS JOIN LATERAL (
      SELECT CASE
        WHEN c."verifyDeadlineAt" IS NOT NULL AND c."verifiedAt" IS NULL
             AND c."verifyDeadlineAt" <= c."deadlineAt"
             AND (c."firstResponseDeadlineAt" IS NULL OR c."firstRespondedAt" IS NOT NULL
                  OR c."verifyDeadlineAt" <= c."firstResponseDeadlineAt") THEN 'verify'
        WHEN c."firstResponseDeadlineAt" IS NOT NULL AND c."firstRespondedAt" IS NULL
             AND c."firstResponseDeadlineAt" <= c."deadlineAt" THEN 'firstResponse'
        ELSE 'resolve' END AS clock_name
    ) k
    WHERE c."status" IN (${list(COMPLAINT_OPEN_STATUSES)}) ${where}`;
  const parts =
    scope.kind === 'permit'
      ? permits
      : scope.kind === 'complaint'
        ? complaints
        : Prisma.sql`${permits} UNION ALL ${complaints}`;
  const ms = (later: Prisma.Sql, earlier: Prisma.Sql) =>
    Prisma.sql`(EXTRACT(EPOCH FROM (${later} - ${earlier})) * 1000)::float8`;
  return Prisma.sql`
    WITH raw_cases AS (${parts}),
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
