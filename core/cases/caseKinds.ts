import type { CityData } from '../city/loadCityData.js';
import { CASE_KINDS, type CaseKind, type CaseKindLetter } from '../domain/trackingNumber.js';
import { complaintClocks, slaCasesOfClocks, type CaseClock, type ClockName } from '../sla/caseClocks.js';
import type { PersonalField } from '../privacy/trail.js';
import type { SlaCase } from '../sla/planTimers.js';
import {
  COMPLAINT_NOTE_REQUIRED,
  COMPLAINT_OPEN_STATUSES,
  COMPLAINT_STATUSES,
  COMPLAINT_TRANSITIONS,
} from './complaintLifecycle.js';
import { PERMIT_NOTE_REQUIRED, PERMIT_OPEN_STATUSES, PERMIT_STATUSES, PERMIT_TRANSITIONS } from './permitLifecycle.js';

export type { CaseKind } from '../domain/trackingNumber.js';

/**
 * The columns a case row has under one name whatever its kind, with their SQL types: a kind
 * names its own column for each, or has none (NULL, or false for a flag). Columns every kind's
 * table has under the same name (id, trackingNumber, status, citizenId, departmentCode,
 * deadlineAt, closedAt, deadlineVersion, assignedOfficerId) are not listed.
 */
const KIND_COLUMNS = {
  /** The catalogue entry the case is of: a permit type, a complaint category. */
  typeCode: 'text',
  /** When the case was filed and its clocks started. */
  filedAt: 'timestamptz',
  /** Since when its clock waits on the citizen. */
  pausedAt: 'timestamptz',
  anonymous: 'boolean',
  description: 'text',
  place: 'text',
  latitude: 'float8',
  longitude: 'float8',
  /** Where a final status is also sent, when the case names it (a permit's email, an Open311 reporter's). */
  email: 'text',
  reporterName: 'text',
  reporterPhone: 'text',
  rating: 'int',
  verifyDeadlineAt: 'timestamptz',
  verifiedAt: 'timestamptz',
  firstResponseDeadlineAt: 'timestamptz',
  firstRespondedAt: 'timestamptz',
} as const;
type KindColumn = keyof typeof KIND_COLUMNS;

/**
 * A kind of case, described once: its lifecycle, its clocks, what it lets people do, and where
 * it is stored. Case views, officer lookups, status changes, notes, the board and the SLA code
 * read a kind from here instead of branching on its name.
 */
export interface CaseKindSpec {
  readonly kind: CaseKind;
  /** The tracking number's letter (P perizinan, A aduan). */
  readonly letter: CaseKindLetter;
  readonly statuses: readonly string[];
  /** Allowed moves from each status. */
  readonly transitions: Readonly<Record<string, readonly string[]>>;
  /** Statuses in which the case is open and its SLA clocks run. */
  readonly openStatuses: readonly string[];
  /** Statuses in which its clock waits on the citizen: not running, still on the board. */
  readonly pausedStatuses: readonly string[];
  /** Moves that need a note saying why. */
  readonly noteRequired: readonly string[];
  /** The clocks it keeps (core/sla/caseClocks.ts), `resolve` last. */
  readonly clocks: readonly ClockName[];
  /** Forwarded to another department by a move to `dispositioned` with the department. */
  readonly forwardable: boolean;
  /** Its owner may add information while it is open. */
  readonly takesInfo: boolean;
  /** Its owner is asked to rate it when done. */
  readonly rated: boolean;
  /** The personal data it holds, emptied when it is detached from its person (erasure, retention). */
  readonly personalFields: readonly PersonalField[];
  /** The city's catalogue its title comes from. */
  catalogue(city: Pick<CityData, 'permitTypes' | 'complaintCategories'>): ReadonlyArray<{
    code: string;
    name: { id: string; en: string };
  }>;
  readonly sql: {
    readonly table: string;
    readonly eventTable: string;
    /** The event table's column naming the case. */
    readonly eventCaseColumn: string;
    /** The event table's column naming the department a case was forwarded to, if it has one. */
    readonly eventDepartmentColumn: string | null;
    /** Its photos' table and the column naming the case, if it keeps photos. */
    readonly attachments: { readonly table: string; readonly caseColumn: string } | null;
    /** The PostgreSQL enum of its statuses. */
    readonly statusType: string;
    /** The catalogue's table, keyed by `code`, with `nameId` and `nameEn`. */
    readonly typeTable: string;
    /** The column an officer's words are searched in. */
    readonly searchColumn: string;
    /** Its own column for each of the shared names it has. */
    readonly columns: Readonly<Partial<Record<KindColumn, string>>>;
  };
}

export const CASE_KIND: Readonly<Record<CaseKind, CaseKindSpec>> = {
  permit: {
    kind: 'permit',
    letter: 'P',
    statuses: PERMIT_STATUSES,
    transitions: PERMIT_TRANSITIONS,
    openStatuses: PERMIT_OPEN_STATUSES,
    pausedStatuses: ['needs_revision'],
    noteRequired: PERMIT_NOTE_REQUIRED,
    clocks: ['resolve'],
    forwardable: false,
    takesInfo: false,
    rated: false,
    personalFields: ['name', 'nik', 'phone', 'email', 'fields'],
    catalogue: (city) => city.permitTypes,
    sql: {
      table: '"PermitApplication"',
      eventTable: '"PermitEvent"',
      eventCaseColumn: '"applicationId"',
      eventDepartmentColumn: null,
      attachments: null,
      statusType: '"PermitStatus"',
      typeTable: '"PermitType"',
      searchColumn: '"applicantName"',
      columns: { typeCode: 'permitTypeCode', filedAt: 'submittedAt', pausedAt: 'slaPausedAt', email: 'email' },
    },
  },
  complaint: {
    kind: 'complaint',
    letter: 'A',
    statuses: COMPLAINT_STATUSES,
    transitions: COMPLAINT_TRANSITIONS,
    openStatuses: COMPLAINT_OPEN_STATUSES,
    pausedStatuses: [],
    noteRequired: COMPLAINT_NOTE_REQUIRED,
    clocks: ['verify', 'firstResponse', 'resolve'],
    forwardable: true,
    takesInfo: true,
    rated: true,
    personalFields: ['name', 'phone', 'email', 'location', 'photos'],
    catalogue: (city) => city.complaintCategories,
    sql: {
      table: '"Complaint"',
      eventTable: '"ComplaintEvent"',
      eventCaseColumn: '"complaintId"',
      eventDepartmentColumn: '"departmentCode"',
      attachments: { table: '"ComplaintAttachment"', caseColumn: '"complaintId"' },
      statusType: '"ComplaintStatus"',
      typeTable: '"ComplaintCategory"',
      searchColumn: 'description',
      columns: {
        typeCode: 'categoryCode',
        filedAt: 'createdAt',
        anonymous: 'anonymous',
        description: 'description',
        place: 'locationText',
        latitude: 'latitude',
        longitude: 'longitude',
        email: 'reporterEmail',
        reporterName: 'reporterName',
        reporterPhone: 'reporterPhone',
        rating: 'rating',
        verifyDeadlineAt: 'verifyDeadlineAt',
        verifiedAt: 'verifiedAt',
        firstResponseDeadlineAt: 'firstResponseDeadlineAt',
        firstRespondedAt: 'firstRespondedAt',
      },
    },
  },
};

/** Every kind, in the order lists show them. */
export const CASE_KIND_LIST: readonly CaseKindSpec[] = Object.values(CASE_KIND);

/** One thing made for each kind from its description (a statement over its tables, say). */
export function perKind<T>(make: (spec: CaseKindSpec) => T): Record<CaseKind, T> {
  return Object.fromEntries(CASE_KIND_LIST.map((spec) => [spec.kind, make(spec)])) as Record<CaseKind, T>;
}

/** The kind of a tracking number's letter. */
export function kindOfLetter(letter: CaseKindLetter): CaseKindSpec {
  return CASE_KIND[CASE_KINDS[letter]];
}

export function isOpenStatus(kind: CaseKind, status: string): boolean {
  return CASE_KIND[kind].openStatuses.includes(status);
}

/** A case's title in both languages from the city's catalogue; the code itself when it is not there. */
export function caseTitle(
  city: Pick<CityData, 'permitTypes' | 'complaintCategories'>,
  kind: CaseKind,
  typeCode: string,
): { id: string; en: string } {
  return CASE_KIND[kind].catalogue(city).find((t) => t.code === typeCode)?.name ?? { id: typeCode, en: typeCode };
}

/** A case as a row of the shared columns, whatever its kind. */
export interface CaseRow {
  kind: CaseKind;
  id: string;
  trackingNumber: string;
  status: string;
  citizenId: string;
  departmentCode: string;
  typeCode: string;
  filedAt: Date;
  deadlineAt: Date;
  closedAt: Date | null;
  deadlineVersion: number;
  assignedOfficerId: string | null;
  pausedAt: Date | null;
  anonymous: boolean;
  description: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  email: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  rating: number | null;
  verifyDeadlineAt: Date | null;
  verifiedAt: Date | null;
  firstResponseDeadlineAt: Date | null;
  firstRespondedAt: Date | null;
}

/** The SQL expression of a shared column on a case of `kind` under `alias`: its own column, or NULL. */
export function caseColumn(kind: CaseKind, name: KindColumn, alias = 'x'): string {
  const own = CASE_KIND[kind].sql.columns[name];
  if (own) return `${alias}."${own}"`;
  return KIND_COLUMNS[name] === 'boolean' ? 'false' : `NULL::${KIND_COLUMNS[name]}`;
}

/**
 * The select list of a CaseRow from the kind's table under `alias` (uuids as text, the status as
 * text, so the row reads the same through `pg` and Prisma).
 */
export function caseRowColumns(kind: CaseKind, alias = 'x'): string {
  const own = (Object.keys(KIND_COLUMNS) as KindColumn[]).map((n) => `${caseColumn(kind, n, alias)} AS "${n}"`);
  return [
    `'${kind}'::text AS kind`,
    `${alias}.id::text AS id`,
    `${alias}."trackingNumber"`,
    `${alias}.status::text AS status`,
    `${alias}."citizenId"::text AS "citizenId"`,
    `${alias}."departmentCode"`,
    `${alias}."deadlineAt"`,
    `${alias}."closedAt"`,
    `${alias}."deadlineVersion"`,
    `${alias}."assignedOfficerId"::text AS "assignedOfficerId"`,
    ...own,
  ].join(', ');
}

/**
 * SQL: one of the clocks of the case `x` (of `kind`) still runs and is due `op` `at`: the
 * resolution deadline (the case is open), or a clock whose step is not done yet.
 */
export function clockDue(kind: CaseKind, op: '<' | '<=', at: string): string {
  const col = (name: KindColumn) => caseColumn(kind, name);
  return `(x."deadlineAt" ${op} ${at}
    OR (${col('verifiedAt')} IS NULL AND ${col('verifyDeadlineAt')} ${op} ${at})
    OR (${col('firstRespondedAt')} IS NULL AND ${col('firstResponseDeadlineAt')} ${op} ${at}))`;
}

/** The statuses of a case still being worked: open, or waiting on the citizen (paused). */
export function activeStatuses(spec: CaseKindSpec): readonly string[] {
  return [...spec.openStatuses, ...spec.pausedStatuses];
}

/**
 * SQL: since when the case `x` waits on the citizen (its own pause column, or its last change
 * when that is unset), NULL while it is not paused.
 */
export function pausedSince(spec: CaseKindSpec): string {
  if (spec.pausedStatuses.length === 0) return 'NULL::timestamptz';
  return `CASE WHEN x."status" IN (${statusList(spec.pausedStatuses)})
    THEN COALESCE(${caseColumn(spec.kind, 'pausedAt')}, x."updatedAt") END`;
}

/** SQL: the statuses as a list of literals (the lifecycle's own names, never input). */
export function statusList(statuses: readonly string[]): string {
  return statuses.map((s) => `'${s}'`).join(', ');
}

/** A record the services return (Prisma's row of the kind's table) as a CaseRow. */
export function caseRowOf(kind: CaseKind, record: object): CaseRow {
  const r = record as Record<string, unknown>;
  const columns = CASE_KIND[kind].sql.columns;
  const own = Object.fromEntries(
    (Object.keys(KIND_COLUMNS) as KindColumn[]).map((n) => {
      const column = columns[n];
      return [n, column ? r[column] : KIND_COLUMNS[n] === 'boolean' ? false : null];
    }),
  );
  return {
    kind,
    id: r.id as string,
    trackingNumber: r.trackingNumber as string,
    status: r.status as string,
    citizenId: r.citizenId as string,
    departmentCode: r.departmentCode as string,
    deadlineAt: r.deadlineAt as Date,
    closedAt: r.closedAt as Date | null,
    deadlineVersion: r.deadlineVersion as number,
    assignedOfficerId: (r.assignedOfficerId as string | null) ?? null,
    ...(own as Pick<CaseRow, KindColumn>),
  };
}

/** A case's clocks, in LAPOR's order: a permit's one (`resolve`), a complaint's three. */
export function clocksOf(row: CaseRow): CaseClock[] {
  return complaintClocks({ ...row, createdAt: row.filedAt });
}

/**
 * Every clock of a case as the SLA scheduler sees it, and whether it runs: while the case is
 * open and the clock has not stopped (the resolution clock runs until the case closes).
 */
export function slaCasesOf(
  row: CaseRow,
  open = isOpenStatus(row.kind, row.status),
): Array<SlaCase & { running: boolean }> {
  return slaCasesOfClocks(row, clocksOf(row), open);
}
