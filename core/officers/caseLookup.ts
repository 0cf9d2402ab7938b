import type { CityData } from '../city/loadCityData.js';
import {
  CASE_KIND,
  CASE_KIND_LIST,
  caseColumn,
  caseRowColumns,
  caseTitle,
  clocksOf,
  isOpenStatus,
  perKind,
  statusList,
  type CaseKind,
  type CaseRow,
} from '../cases/caseKinds.js';
import { prismaSession, statement } from '../db/statements.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CaseClock } from '../sla/caseClocks.js';

type Db = Pick<Prisma.TransactionClient, '$queryRawUnsafe'>;

/** A case as an officer works it, permit or complaint alike. */
export interface OfficerCase {
  kind: CaseKind;
  id: string;
  trackingNumber: string;
  title: string;
  /** The title in each language, for staff texts in the reader's language. */
  titles: { id: string; en: string };
  status: string;
  open: boolean;
  departmentCode: string;
  citizenId: string;
  anonymous: boolean;
  deadlineAt: Date;
  submittedAt: Date;
  holderId: string | null;
  holderName: string | null;
  description: string | null;
  /** Bumped when the deadline moves; SLA timers of another version are stale. */
  deadlineVersion: number;
  /** Its clocks: a permit's one, a complaint's three (see caseClocks). */
  clocks: CaseClock[];
  /** An Open311 complaint's reporter, named on the complaint rather than on a citizen. */
  reporter: { name: string | null; phone: string | null } | null;
}

/** A case with its holder's name: the shared columns of either kind. */
type LookupRow = CaseRow & { holderName: string | null };

/** The case rows of one kind with their holder, filtered on the kind's own table `x` (its indexes). */
const rowsOf = (kind: CaseKind, where: string) =>
  `SELECT ${caseRowColumns(kind)}, o.name AS "holderName"
   FROM ${CASE_KIND[kind].sql.table} x LEFT JOIN "Officer" o ON o.id = x."assignedOfficerId"
   WHERE ${where}`;

/** Per kind: a case by its whole tracking number, or by id. */
const BY_NUMBER = perKind(({ kind }) =>
  statement(`cases_officer_by_number_${kind}`, rowsOf(kind, `x."trackingNumber" = $1`)),
);
const BY_ID = perKind(({ kind }) => statement(`cases_officer_by_id_${kind}`, rowsOf(kind, `x.id = $1::uuid`)));

const IN_DEPARTMENTS = `($1::text[] IS NULL OR x."departmentCode" = ANY($1::text[]))`;

/** Open cases of some departments (all when $1 is null), the nearest deadline first, at most $2. */
const OPEN = statement(
  'cases_officer_open',
  CASE_KIND_LIST.map(
    ({ kind, openStatuses }) =>
      `(${rowsOf(kind, `x.status IN (${statusList(openStatuses)}) AND ${IN_DEPARTMENTS}`)} ORDER BY x."deadlineAt" LIMIT $2)`,
  ).join(' UNION ALL ') + ' ORDER BY "deadlineAt" LIMIT $2',
);

/**
 * Cases of some departments by their citizen's phone ending in $2 (an anonymous complaint never),
 * or else by words of the kind's searched column ($3, a LIKE pattern); each kind's newest first,
 * in the order of the kinds, at most $4.
 */
const SEARCH = statement(
  'cases_officer_search',
  CASE_KIND_LIST.map(({ kind, sql }, rank) => {
    const matches = `CASE WHEN $2::text IS NOT NULL
        THEN x."citizenId" IN (SELECT c.id FROM "Citizen" c WHERE c.phone LIKE '%' || $2::text LIMIT 50)
             AND NOT ${caseColumn(kind, 'anonymous')}
        ELSE x.${sql.searchColumn} ILIKE $3::text END`;
    return `(SELECT *, ${rank} AS rank FROM (${rowsOf(kind, `${IN_DEPARTMENTS} AND ${matches}`)}
       ORDER BY ${caseColumn(kind, 'filedAt')} DESC LIMIT $4) r)`;
  }).join(' UNION ALL ') + ' ORDER BY rank, "filedAt" DESC LIMIT $4',
);

function fromRow(city: CityData, r: LookupRow): OfficerCase {
  const titles = caseTitle(city, r.kind, r.typeCode);
  return {
    kind: r.kind,
    id: r.id,
    trackingNumber: r.trackingNumber,
    title: titles.id,
    titles,
    status: r.status,
    open: isOpenStatus(r.kind, r.status),
    departmentCode: r.departmentCode,
    citizenId: r.citizenId,
    anonymous: r.anonymous,
    deadlineAt: r.deadlineAt,
    submittedAt: r.filedAt,
    holderId: r.assignedOfficerId,
    holderName: r.holderName,
    description: r.description,
    deadlineVersion: r.deadlineVersion,
    clocks: clocksOf(r),
    reporter: r.reporterName || r.reporterPhone ? { name: r.reporterName, phone: r.reporterPhone } : null,
  };
}

/** A case by its tracking number (letter optional), or null. */
export async function findOfficerCase(db: Db, city: CityData, typed: string): Promise<OfficerCase | null> {
  const parsed = parseTrackingNumber(typed);
  if (!parsed.ok) return null;
  const digits = parsed.trackingNumber.replace(/^[A-Z]/, '');
  const sql = prismaSession(db);
  for (const { kind, letter } of CASE_KIND_LIST) {
    if (parsed.kind !== null && parsed.kind !== kind) continue;
    const [row] = await sql.query<LookupRow>(BY_NUMBER[kind], [`${letter}${digits}`]);
    if (row) return fromRow(city, row);
  }
  return null;
}

/** A case by its id, or null. */
export async function findCaseById(db: Db, city: CityData, kind: CaseKind, id: string): Promise<OfficerCase | null> {
  const [row] = await prismaSession(db).query<LookupRow>(BY_ID[kind], [id]);
  return row ? fromRow(city, row) : null;
}

/** Open cases of some departments (all when null), the nearest deadline first. */
export async function openCases(
  db: Db,
  city: CityData,
  departments: string[] | null,
  limit: number,
): Promise<OfficerCase[]> {
  const rows = await prismaSession(db).query<LookupRow>(OPEN, [departments, limit]);
  return rows.map((r) => fromRow(city, r));
}

/** Cases matching the last digits of the citizen's phone, or words of a description or applicant name. */
export async function searchCases(
  db: Db,
  city: CityData,
  departments: string[] | null,
  query: string,
  limit: number,
): Promise<OfficerCase[]> {
  const byPhone = /^\d{4,}$/.test(query.replace(/[\s-]/g, ''));
  const digits = byPhone ? query.replace(/\D/g, '') : null;
  const words = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await prismaSession(db).query<LookupRow>(SEARCH, [departments, digits, words, limit]);
  return rows.map((r) => fromRow(city, r));
}

/** Per kind: the case given to officer $2 if still held by $3 (null: nobody), its id $1. */
const ASSIGN = perKind(({ kind, sql }) =>
  statement(
    `cases_assign_${kind}`,
    `UPDATE ${sql.table} SET "assignedOfficerId" = $2::uuid, "updatedAt" = now()
     WHERE id = $1::uuid AND "assignedOfficerId" IS NOT DISTINCT FROM $3::uuid RETURNING id::text`,
  ),
);

/** Makes a case `officerId`'s, only from the holder it had when read; false when that changed meanwhile. */
export async function assignCase(
  db: Db,
  c: Pick<OfficerCase, 'kind' | 'id' | 'holderId'>,
  officerId: string,
): Promise<boolean> {
  const taken = await prismaSession(db).query(ASSIGN[c.kind], [c.id, officerId, c.holderId]);
  return taken.length > 0;
}

/** One event of a case's trail. */
export interface CaseEvent {
  actorType: string;
  toStatus: string;
  note: string | null;
  createdAt: Date;
}

const EVENTS = perKind(({ kind, sql: { eventTable, eventCaseColumn } }) =>
  statement(
    `cases_events_${kind}`,
    `SELECT "actorType"::text AS "actorType", "toStatus"::text AS "toStatus", note, "createdAt"
     FROM ${eventTable} WHERE ${eventCaseColumn} = $1::uuid ORDER BY id`,
  ),
);

/** A case's events, oldest first. */
export function caseEvents(db: Db, c: Pick<OfficerCase, 'kind' | 'id'>): Promise<CaseEvent[]> {
  return prismaSession(db).query<CaseEvent>(EVENTS[c.kind], [c.id]);
}
