import type { ChannelName, Lang } from '../../core/conversation/types.js';
import { CASE_KIND, type CaseKind } from '../../core/cases/caseKinds.js';
import { formatDateTime } from '../../core/domain/calendarDate.js';
import { Prisma, type PrismaClient } from '../../core/generated/prisma/client.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import type { ClockName } from '../../core/sla/caseClocks.js';
import { slaClock, type ClockState } from '../../web/slaClock.js';
import { casePhotoPath, type BoardCase, type OptedOutChannel } from './listBoardCases.js';
import { CLOCK_STATES, openCasesCte } from './openCases.js';

const DESCRIPTION_CHARS = 280;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

export type CaseSort = 'urgency' | 'filed';

/** What the list is narrowed to: every field optional but the viewer's departments. */
export interface CaseFilters {
  /** Null: every department (the viewer's scope already applied). */
  departments: string[] | null;
  kind?: BoardCase['kind'] | undefined;
  status?: string | undefined;
  clock?: ClockState | undefined;
  /** Search words: a tracking number (or its start), words of the description, the place, the type's title. */
  q?: string | undefined;
}

/** Names of types and departments by code, in a language: from the city data in memory, not per-row joins. */
export interface CaseNames {
  title(kind: BoardCase['kind'], typeCode: string, lang: Lang): string;
  department(code: string, lang: Lang): string;
  /** Every (kind, type code) whose title in either language contains `word` (lower case). */
  typesNamed(word: string): Array<{ kind: BoardCase['kind']; code: string }>;
}

/** The city data's names, as CaseNames. */
export function cityCaseNames(city: {
  permitTypes: Array<{ code: string; name: { id: string; en: string } }>;
  complaintCategories: Array<{ code: string; name: { id: string; en: string } }>;
  departments: Array<{ code: string; names: { id: string; en: string } }>;
}): CaseNames {
  return namesOf(
    city.permitTypes.map((p) => ({ kind: 'permit' as const, code: p.code, name: p.name })),
    city.complaintCategories.map((c) => ({ kind: 'complaint' as const, code: c.code, name: c.name })),
    city.departments.map((d) => ({ code: d.code, name: d.names })),
  );
}

type Named = { code: string; name: { id: string; en: string } };

export function namesOf(
  permitTypes: Array<Named & { kind: 'permit' }>,
  categories: Array<Named & { kind: 'complaint' }>,
  departments: Named[],
): CaseNames {
  const types = [...permitTypes, ...categories];
  const byType = new Map(types.map((t) => [`${t.kind}:${t.code}`, t.name]));
  const byDepartment = new Map(departments.map((d) => [d.code, d.name]));
  return {
    title: (kind, code, lang) => byType.get(`${kind}:${code}`)?.[lang] ?? code,
    department: (code, lang) => byDepartment.get(code)?.[lang] ?? code,
    typesNamed: (word) =>
      types
        .filter((t) => t.name.id.toLowerCase().includes(word) || t.name.en.toLowerCase().includes(word))
        .map((t) => ({ kind: t.kind, code: t.code })),
  };
}

/** Where the previous page ended, and the `now` of the first page, so clocks do not move under paging. */
export type Cursor =
  | { sort: 'urgency'; now: string; after: [stateOrder: number, msLeft: number, trackingNumber: string, kind: string] }
  | { sort: 'filed'; now: string; after: [filedAt: string, trackingNumber: string, kind: string] };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/**
 * Text PostgreSQL can take as a parameter: it refuses a NUL byte outright (a 500, not a 400).
 * Tracking numbers, statuses, kinds and search words never hold one.
 */
const storable = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');

/** An instant PostgreSQL's timestamptz holds (JavaScript's Date reaches far beyond it). */
const instant = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && ms >= 0 && ms < Date.UTC(10_000, 0, 1);
};

/**
 * The cursor, or null when it is not one this list made (for `sort`). A cursor comes back from
 * the browser, so every value in it is checked for what the query casts it to (an int state
 * order 0-3, an instant, text), so a tampered one is a 400 and never a database error.
 */
export function decodeCursor(text: string, sort: CaseSort): Cursor | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const c = value as { sort?: unknown; now?: unknown; after?: unknown };
  if (c.sort !== sort || !instant(c.now) || !Array.isArray(c.after)) return null;
  const a = c.after as unknown[];
  const isKind = (k: unknown) => typeof k === 'string' && Object.hasOwn(CASE_KIND, k);
  if (sort === 'urgency') {
    const ok =
      a.length === 4 &&
      Number.isInteger(a[0]) &&
      (a[0] as number) >= 0 &&
      (a[0] as number) <= 3 &&
      typeof a[1] === 'number' &&
      Number.isFinite(a[1]) &&
      storable(a[2]) &&
      isKind(a[3]);
    return ok ? (c as Cursor) : null;
  }
  const ok = a.length === 3 && instant(a[0]) && storable(a[1]) && isKind(a[2]);
  return ok ? (c as Cursor) : null;
}

export interface CaseListQuery extends CaseFilters {
  sort?: CaseSort | undefined;
  limit?: number | undefined;
  cursor?: Cursor | null | undefined;
  /** Used when there is no cursor; a cursor brings its own. */
  now: Date;
  lang: Lang;
  translator: Translator;
  names: CaseNames;
  /** The city's time zone and its label, for a deadline in words. */
  zone: { timeZone: string; label: string };
  /** Above MAX_LIMIT only for an export, which also skips photos and opt-outs. */
  maxLimit?: number | undefined;
  extras?: boolean | undefined;
}

export interface CasePage {
  now: string;
  /** Open cases for the same filters, on every page. */
  total: number;
  nextCursor: string | null;
  cases: BoardCase[];
}

interface Row {
  kind: BoardCase['kind'];
  id: string;
  tracking_number: string;
  department_code: string;
  type_code: string;
  status: string;
  holder_id: string | null;
  holder_name: string | null;
  filed_at: Date;
  started_at: Date;
  deadline_at: Date;
  paused_at: Date | null;
  clock_name: ClockName;
  ms_left: number;
  state: ClockState;
  state_order: number;
  description: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  citizen_id: string;
  anonymous: boolean | null;
}

/** `%`, `_` and `\` taken literally in ILIKE. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** The WHERE clause over open_cases (alias oc) for the filters, without the cursor. */
function whereOf(f: CaseFilters, names: CaseNames): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.status) parts.push(Prisma.sql`oc.status = ${f.status}`);
  if (f.clock) parts.push(Prisma.sql`oc.state = ${f.clock}`);
  const q = f.q?.trim();
  if (q) {
    // Each word must be found somewhere: the description, the place or the type's title.
    const words = q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    const wordMatches = words.map((w) => {
      const like = `%${likeLiteral(w)}%`;
      const types = names.typesNamed(w);
      const typeMatch =
        types.length > 0
          ? Prisma.sql`OR (oc.kind, oc.type_code) IN (${Prisma.join(types.map((t) => Prisma.sql`(${t.kind}, ${t.code})`))})`
          : Prisma.empty;
      return Prisma.sql`(oc.description ILIKE ${like} OR oc.place ILIKE ${like} ${typeMatch})`;
    });
    parts.push(
      Prisma.sql`(oc.tracking_number ILIKE ${`${likeLiteral(q)}%`} OR (${Prisma.join(wordMatches, ' AND ')}))`,
    );
  }
  return Prisma.join(parts, ' AND ');
}

function orderOf(sort: CaseSort): Prisma.Sql {
  return sort === 'filed'
    ? Prisma.sql`oc.filed_at DESC, oc.tracking_number DESC, oc.kind DESC`
    : Prisma.sql`oc.state_order, oc.ms_left, oc.tracking_number, oc.kind`;
}

function afterOf(cursor: Cursor | null | undefined): Prisma.Sql {
  if (!cursor) return Prisma.empty;
  if (cursor.sort === 'filed') {
    const [filed, tn, kind] = cursor.after;
    return Prisma.sql`AND (oc.filed_at, oc.tracking_number, oc.kind) < (${new Date(filed)}::timestamptz, ${tn}, ${kind})`;
  }
  const [order, ms, tn, kind] = cursor.after;
  return Prisma.sql`AND (oc.state_order, oc.ms_left, oc.tracking_number, oc.kind) > (${order}::int, ${ms}::float8, ${tn}, ${kind})`;
}

/** How many open cases the filters leave: one COUNT over the CTE. */
export async function countCases(prisma: PrismaClient, now: Date, f: CaseFilters, names: CaseNames): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ n: number }>>`
    ${openCasesCte(now, { departments: f.departments, kind: f.kind })}
    SELECT count(*)::int AS n FROM open_cases oc WHERE ${whereOf(f, names)}`;
  return row?.n ?? 0;
}

/** Rows of open_cases for the filters, in order, after the cursor; with the holder's name and the citizen. */
async function rowsOf(
  prisma: PrismaClient,
  now: Date,
  q: CaseFilters,
  names: CaseNames,
  sort: CaseSort,
  cursor: Cursor | null | undefined,
  limit: number,
) {
  return prisma.$queryRaw<Row[]>`
    ${openCasesCte(now, { departments: q.departments, kind: q.kind })},
    -- The page first, then the joins for its rows only.
    page AS (
      SELECT oc.* FROM open_cases oc
      WHERE ${whereOf(q, names)} ${afterOf(cursor)}
      ORDER BY ${orderOf(sort)}
      LIMIT ${limit}
    )
    SELECT oc.*, o."name" AS holder_name, COALESCE(p."citizenId", c."citizenId") AS citizen_id, c."anonymous"
    FROM page oc
    LEFT JOIN "Officer" o ON o."id" = oc.holder_id
    LEFT JOIN "PermitApplication" p ON oc.kind = 'permit' AND p."id" = oc.id
    LEFT JOIN "Complaint" c ON oc.kind = 'complaint' AND c."id" = oc.id
    ORDER BY ${orderOf(sort)}`;
}

/** Each page case's citizen's opted-out identities, in one query. */
async function optedOutOf(prisma: PrismaClient, rows: Row[]): Promise<Map<string, OptedOutChannel[]>> {
  const citizens = [...new Set(rows.filter((r) => !r.anonymous).map((r) => r.citizen_id))];
  const identities =
    citizens.length === 0
      ? []
      : await prisma.channelIdentity.findMany({
          where: { citizenId: { in: citizens }, optedOutAt: { not: null } },
          orderBy: { optedOutAt: 'asc' },
          select: { citizenId: true, channel: true, optedOutAt: true, optOutReason: true },
        });
  const by = new Map<string, OptedOutChannel[]>();
  for (const i of identities) {
    const list = by.get(i.citizenId) ?? [];
    list.push({
      channel: i.channel as ChannelName,
      since: i.optedOutAt!.toISOString(),
      reason: i.optOutReason ?? 'sms-stop',
    });
    by.set(i.citizenId, list);
  }
  return by;
}

/** The page's complaints' photos, oldest first, in one query. */
async function photosOf(prisma: PrismaClient, rows: Row[]): Promise<Map<string, string[]>> {
  const complaints = rows.filter((r) => r.kind === 'complaint');
  const attachments =
    complaints.length === 0
      ? []
      : await prisma.complaintAttachment.findMany({
          where: { complaintId: { in: complaints.map((r) => r.id) } },
          orderBy: [{ createdAt: 'asc' }, { sha256: 'asc' }],
          select: { complaintId: true, sha256: true },
        });
  const tracking = new Map(complaints.map((r) => [r.id, r.tracking_number]));
  const by = new Map<string, string[]>();
  for (const a of attachments) {
    const tn = tracking.get(a.complaintId)!;
    by.set(a.complaintId, [...(by.get(a.complaintId) ?? []), casePhotoPath(tn, a.sha256)]);
  }
  return by;
}

/** One open case row as the board shows it: its clock computed by web/slaClock.js, so it equals the SQL state. */
function boardCaseOf(
  r: Row,
  q: Pick<CaseListQuery, 'lang' | 'translator' | 'names' | 'zone'>,
  nowMs: number,
  extras: { optedOut: OptedOutChannel[]; photos: string[] },
): BoardCase {
  const deadline = `${formatDateTime(r.deadline_at, q.lang, q.zone.timeZone)} ${q.zone.label}`;
  const description =
    r.description === null
      ? null
      : r.description.length > DESCRIPTION_CHARS
        ? `${r.description.slice(0, DESCRIPTION_CHARS - 3)}...`
        : r.description;
  return {
    kind: r.kind,
    trackingNumber: r.tracking_number,
    title: q.names.title(r.kind, r.type_code, q.lang),
    typeCode: r.type_code,
    departmentCode: r.department_code,
    departmentName: q.names.department(r.department_code, q.lang),
    status: r.status,
    statusLabel: q.translator.t(q.lang, { key: `status.${r.kind}.${r.status}` }),
    startedAt: r.started_at.toISOString(),
    deadlineAt: r.deadline_at.toISOString(),
    pausedAt: r.paused_at?.toISOString() ?? null,
    clock: slaClock({ startedAt: r.started_at, deadlineAt: r.deadline_at, pausedAt: r.paused_at }, nowMs),
    clockName: r.clock_name,
    clockLabel:
      CASE_KIND[r.kind].clocks.length > 1
        ? q.translator.t(q.lang, { key: 'sla.clockDeadline', params: { clock: r.clock_name, deadline } })
        : null,
    holder: r.holder_id ? { id: r.holder_id, name: r.holder_name ?? '' } : null,
    description,
    place: r.place,
    latitude: r.latitude,
    longitude: r.longitude,
    optedOut: extras.optedOut,
    photos: extras.photos,
  };
}

/** Clamps a requested page size to 1..MAX_LIMIT; anything unreadable is the default. */
export function pageSize(raw: unknown): number {
  const n = typeof raw === 'string' ? Number.parseInt(raw, 10) : typeof raw === 'number' ? raw : NaN;
  return Number.isFinite(n) && n > 0 ? Math.min(MAX_LIMIT, Math.floor(n)) : DEFAULT_LIMIT;
}

/**
 * A page of open cases in the viewer's scope, filtered, searched and sorted in SQL over
 * openCasesCte (most urgent first, or newest filed first), with the total for the same filters
 * and a cursor to the next page. The cursor carries the first page's `now`: paging goes on with
 * the clocks as they stood, so no case is skipped or shown twice while time moves.
 */
export async function listCases(prisma: PrismaClient, q: CaseListQuery): Promise<CasePage> {
  const sort = q.sort ?? 'urgency';
  const limit = Math.min(q.maxLimit ?? MAX_LIMIT, Math.max(1, q.limit ?? DEFAULT_LIMIT));
  const now = q.cursor ? new Date(q.cursor.now) : q.now;
  const [rows, total] = await Promise.all([
    rowsOf(prisma, now, q, q.names, sort, q.cursor, limit + 1),
    countCases(prisma, now, q, q.names),
  ]);
  const page = rows.slice(0, limit);
  const [optedOut, photos] =
    q.extras === false
      ? [new Map<string, OptedOutChannel[]>(), new Map<string, string[]>()]
      : await Promise.all([optedOutOf(prisma, page), photosOf(prisma, page)]);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(
          sort === 'filed'
            ? { sort, now: now.toISOString(), after: [last.filed_at.toISOString(), last.tracking_number, last.kind] }
            : {
                sort,
                now: now.toISOString(),
                after: [last.state_order, last.ms_left, last.tracking_number, last.kind],
              },
        )
      : null;
  const nowMs = now.getTime();
  return {
    now: now.toISOString(),
    total,
    nextCursor,
    cases: page.map((r) =>
      boardCaseOf(r, q, nowMs, {
        optedOut: r.anonymous ? [] : (optedOut.get(r.citizen_id) ?? []),
        photos: photos.get(r.id) ?? [],
      }),
    ),
  };
}

/**
 * Reads the list's query parameters; unknown values of kind, clock and sort are ignored, and so
 * is a status or search holding a NUL byte (which no case holds, and PostgreSQL refuses).
 */
export function caseFiltersOf(query: Record<string, unknown>): Omit<CaseFilters, 'departments'> & { sort: CaseSort } {
  const str = (name: string) => (storable(query[name]) && query[name] !== '' ? (query[name] as string) : undefined);
  const kind = str('kind');
  const clock = str('clock');
  return {
    kind: kind && Object.hasOwn(CASE_KIND, kind) ? (kind as CaseKind) : undefined,
    status: str('status'),
    clock: clock && (CLOCK_STATES as readonly string[]).includes(clock) ? (clock as ClockState) : undefined,
    q: str('q')?.slice(0, 100),
    sort: str('sort') === 'filed' ? 'filed' : 'urgency',
  };
}
