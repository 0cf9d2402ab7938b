import type { CityData } from '../city/loadCityData.js';
import type { CaseSummary, CaseView } from '../conversation/types.js';
import { prismaSession, statement, type SqlSession } from '../db/statements.js';
import type { Prisma } from '../generated/prisma/client.js';
import {
  CASE_KIND_LIST,
  caseColumn,
  caseRowColumns,
  perKind,
  clocksOf,
  type CaseKind,
  type CaseKindSpec,
  type CaseRow,
} from './caseKinds.js';

type Tx = Prisma.TransactionClient;

/** A case's events as a JSON array of { at, status, note }, oldest first (text, for JSON.parse). */
const timeline = (eventTable: string, caseColumn: string, caseId: string) => `COALESCE((
       SELECT json_agg(json_build_object(
           'at', to_char(e."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'status', e."toStatus", 'note', e.note) ORDER BY e.id)
       FROM ${eventTable} e WHERE e.${caseColumn} = ${caseId}), '[]'::json)::text AS events`;

/** Per kind: a case with its type's and department's names, its officer and its events, in one statement. */
const VIEW = perKind(({ kind, sql }) =>
  statement(
    `cases_view_${kind}`,
    `SELECT ${caseRowColumns(kind)}, t."nameId", t."nameEn", d.name AS department, o.name AS officer,
         ${timeline(sql.eventTable, sql.eventCaseColumn, 'x.id')}
       FROM ${sql.table} x
       JOIN ${sql.typeTable} t ON t.code = ${caseColumn(kind, 'typeCode')}
       JOIN "Department" d ON d.code = x."departmentCode"
       LEFT JOIN "Officer" o ON o.id = x."assignedOfficerId"
       WHERE x."trackingNumber" = $1`,
  ),
);

type ViewRow = CaseRow & { nameId: string; nameEn: string; department: string; officer: string | null; events: string };

/**
 * A case by tracking number (with or without its kind letter) as its owner or a stranger may
 * see it: a stranger gets the kind, title and status, never who filed it or the timeline.
 */
export async function findCaseView(
  sql: SqlSession,
  city: Pick<CityData, 'privacy'>,
  trackingNumber: string,
  viewerCitizenId: string,
): Promise<CaseView | null> {
  // Only a whole, well-formed number finds a case: never a guessable ending.
  const m = /^([A-Z]?)(\d{8})$/.exec(trackingNumber);
  if (!m) return null;
  for (const spec of CASE_KIND_LIST) {
    if (m[1] && m[1] !== spec.letter) continue;
    const [row] = await sql.query<ViewRow>(VIEW[spec.kind], [`${spec.letter}${m[2]}`]);
    if (row) return viewOf(spec, row, city, viewerCitizenId);
  }
  return null;
}

function viewOf(spec: CaseKindSpec, row: ViewRow, city: Pick<CityData, 'privacy'>, viewerCitizenId: string): CaseView {
  const base: CaseView = {
    kind: spec.kind,
    trackingNumber: row.trackingNumber,
    title: { id: row.nameId, en: row.nameEn },
    status: row.status,
    isOwner: row.citizenId === viewerCitizenId,
  };
  if (!base.isOwner) return base;
  const open = spec.openStatuses.includes(row.status);
  const actions: NonNullable<CaseView['actions']> = [];
  if (spec.takesInfo && open) actions.push('addInfo');
  if (spec.rated && row.status === 'done' && row.rating === null) actions.push('rate');
  // Beside the resolution deadline, the kind's other clocks (a complaint's verification and first response).
  const clocks = clocksOf(row).flatMap((k) =>
    k.clock === 'resolve'
      ? []
      : [{ clock: k.clock, deadlineAt: k.deadlineAt.toISOString(), doneAt: k.stoppedAt?.toISOString() ?? null }],
  );
  return {
    ...base,
    ...(spec.takesInfo || spec.rated ? { actions } : {}),
    details: {
      department: row.department,
      officer: city.privacy.showOfficerName ? row.officer : null,
      submittedAt: row.filedAt.toISOString(),
      deadlineAt: row.deadlineAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      paused: spec.pausedStatuses.includes(row.status),
      ...(spec.clocks.length > 1 ? { clocks } : {}),
      events: JSON.parse(row.events) as Array<{ at: string; status: string; note: string | null }>,
    },
  };
}

/** A citizen's latest cases ($1), newest first, at most $2: each kind's newest, then together. */
const CITIZEN_CASES = statement(
  'cases_of_citizen',
  CASE_KIND_LIST.map(({ kind, sql }, rank) => {
    const filedAt = caseColumn(kind, 'filedAt');
    return `(SELECT '${kind}'::text AS kind, x."trackingNumber", x.status::text AS status, t."nameId", t."nameEn",
         ${filedAt} AS "filedAt", ${rank} AS rank
       FROM ${sql.table} x JOIN ${sql.typeTable} t ON t.code = ${caseColumn(kind, 'typeCode')}
       WHERE x."citizenId" = $1::uuid ORDER BY ${filedAt} DESC LIMIT $2)`;
  }).join(' UNION ALL ') + ' ORDER BY "filedAt" DESC, rank LIMIT $2',
);

/** A citizen's latest cases, newest first. */
export async function listCitizenCases(tx: Tx, citizenId: string, limit = 5): Promise<CaseSummary[]> {
  const rows = await prismaSession(tx).query<{
    kind: CaseKind;
    trackingNumber: string;
    status: string;
    nameId: string;
    nameEn: string;
  }>(CITIZEN_CASES, [citizenId, limit]);
  return rows.map((r) => ({
    kind: r.kind,
    trackingNumber: r.trackingNumber,
    title: { id: r.nameId, en: r.nameEn },
    status: r.status,
  }));
}
