import type { Lang } from '../../core/conversation/types.js';
import { formatDateTime } from '../../core/domain/calendarDate.js';
import { wallClockAsUtc } from '../../core/domain/deadline.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import { maskLogText } from '../../core/log/redactLogFields.js';
import { onFirstUse } from '../../core/onFirstUse.js';
import { countCases, listCases, type CaseListQuery } from './caseList.js';
import type { BoardCase } from './listBoardCases.js';

const COLUMNS = [
  'trackingNumber',
  'kind',
  'title',
  'department',
  'status',
  'holder',
  'filedAt',
  'deadlineAt',
  'clock',
  'timeLeft',
  'place',
] as const;

export interface ExportedCases {
  /** Column headers in the viewer's language. */
  headers: string[];
  cases: BoardCase[];
  /** Open cases the filters leave, of which at most `maxRows` (EXPORT_MAX_ROWS) are in `cases`. */
  total: number;
}

/**
 * The filtered open cases for a spreadsheet, most urgent first (or newest first), in one query
 * without paging: no photos, opt-outs or anything that names the citizen; phone numbers, NIKs
 * and emails a citizen typed into the place are masked.
 */
export async function exportCases(
  prisma: PrismaClient,
  q: Omit<CaseListQuery, 'cursor' | 'limit'>,
  /** The most rows the file holds; the response says when the filters left more. */
  maxRows: number,
): Promise<ExportedCases> {
  const [page, total] = await Promise.all([
    listCases(prisma, { ...q, cursor: null, limit: maxRows, maxLimit: maxRows, extras: false }),
    countCases(prisma, q.now, q, q.names),
  ]);
  const t = (key: string, params?: Record<string, string>) =>
    q.translator.t(q.lang, { key: `caseList.columns.${key}`, ...(params ? { params } : {}) });
  return { headers: COLUMNS.map((c) => t(c, { zone: q.zone.label })), cases: page.cases, total };
}

/**
 * The trail of an export (UU PDP): one 'export' event per exported case, written in one
 * INSERT ... SELECT (the case's citizen looked up in the same statement), so 50,000 rows cost
 * one round trip. The fields are what the file holds of the citizen: the place they typed.
 */
export async function recordExport(
  prisma: PrismaClient,
  officerId: string,
  at: Date,
  cases: readonly Pick<BoardCase, 'kind' | 'trackingNumber' | 'place'>[],
): Promise<void> {
  if (cases.length === 0) return;
  const numbers = cases.map((c) => c.trackingNumber);
  const kinds = cases.map((c) => c.kind);
  const places = cases.map((c) => c.place !== null && c.place !== '');
  await prisma.$executeRaw`
    INSERT INTO "PersonalDataEvent"
      ("at", "actorType", "actorId", "action", "via", "citizenId", "caseKind", "trackingNumber", "fields")
    SELECT ${at}::timestamptz, 'officer'::"ActorType", ${officerId}, 'export', 'export',
           COALESCE(p."citizenId", c."citizenId"), e.kind, e.tn,
           CASE WHEN e.place THEN ARRAY['location']::text[] ELSE ARRAY[]::text[] END
    FROM unnest(${numbers}::text[], ${kinds}::text[], ${places}::boolean[]) AS e(tn, kind, place)
    LEFT JOIN "PermitApplication" p ON e.kind = 'permit' AND p."trackingNumber" = e.tn
    LEFT JOIN "Complaint" c ON e.kind = 'complaint' AND c."trackingNumber" = e.tn`;
}

interface CellWords {
  lang: Lang;
  translator: Translator;
  zone: { timeZone: string; label: string };
}

/** "2 hari 3 jam", "3 jam 12 mnt", "12 mnt", from the locales. */
function duration(ms: number, w: CellWords): string {
  const minutesAll = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutesAll / 1440);
  const hours = Math.floor((minutesAll % 1440) / 60);
  const minutes = minutesAll % 60;
  const t = (key: string, params: Record<string, number>) =>
    w.translator.t(w.lang, { key: `caseList.${key}`, params: params as unknown as Record<string, string> });
  if (days > 0) return t('days', { days, hours });
  if (hours > 0) return t('hours', { hours, minutes });
  return t('minutes', { minutes });
}

function timeLeft(c: BoardCase, w: CellWords): string {
  const key = c.clock.state === 'paused' ? 'pausedLeft' : c.clock.msLeft <= 0 ? 'over' : 'left';
  return w.translator.t(w.lang, { key: `caseList.${key}`, params: { duration: duration(c.clock.msLeft, w) } });
}

/** A row's cells as words, times in city time (the zone's label is in the header). */
function wordsOf(c: BoardCase, w: CellWords, at: (iso: string) => string | Date): Array<string | Date> {
  return [
    c.trackingNumber,
    w.translator.t(w.lang, { key: `caseList.kind.${c.kind}` }),
    c.title,
    c.departmentName,
    c.statusLabel,
    c.holder ? c.holder.name : w.translator.t(w.lang, { key: 'caseList.noHolder' }),
    at(c.startedAt),
    at(c.deadlineAt),
    w.translator.t(w.lang, { key: `caseList.clock.${c.clock.state}` }),
    timeLeft(c, w),
    // A place is the citizen's own words: numbers and emails typed in it go out masked.
    maskLogText(c.place ?? ''),
  ];
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, a tab or CR first) gets a leading
 * apostrophe, so a citizen's text never turns into a formula on an officer's computer.
 */
export function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
function csvField(text: string): string {
  const safe = defuse(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** UTF-8 with a BOM (so spreadsheet programs read it as UTF-8), CRLF line ends. */
export function casesCsv(e: ExportedCases, w: CellWords): string {
  const at = (iso: string) => `${formatDateTime(iso, w.lang, w.zone.timeZone)} ${w.zone.label}`;
  const lines = [e.headers, ...e.cases.map((c) => wordsOf(c, w, at) as string[])].map((r) => r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The wall-clock time in `timeZone` as if it were UTC, milliseconds kept: a spreadsheet has no zones. */
function cityWallClock(iso: string, timeZone: string): Date {
  const instant = new Date(iso);
  return new Date(wallClockAsUtc(instant, timeZone) + instant.getUTCMilliseconds());
}

/** The spreadsheet writer, loaded with the first .xlsx export (most processes never make one). */
const excelWriter = onFirstUse(async () => (await import('write-excel-file/node')).default);

/** An .xlsx workbook with real date cells in city time. */
export async function casesXlsx(e: ExportedCases, w: CellWords, sheet: string): Promise<Buffer> {
  const writeExcelFile = await excelWriter();
  const rows = e.cases.map((c) =>
    wordsOf(c, w, (iso) => cityWallClock(iso, w.zone.timeZone)).map((v) =>
      v instanceof Date ? { value: v, type: Date, format: 'dd/mm/yyyy hh:mm' } : { value: defuse(v), type: String },
    ),
  );
  const header = e.headers.map((h) => ({ value: h, type: String, fontWeight: 'bold' as const }));
  return writeExcelFile([header, ...rows], {
    sheet,
    stickyRowsCount: 1,
    columns: [14, 10, 28, 28, 20, 20, 18, 18, 14, 20, 28].map((width) => ({ width })),
  }).toBuffer();
}
