import type { CityData } from '../../core/city/loadCityData.js';
import { CASE_KIND } from '../../core/cases/caseKinds.js';
import type { Lang } from '../../core/conversation/types.js';
import { formatDateTime } from '../../core/domain/calendarDate.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import type { ClockName } from '../../core/sla/caseClocks.js';
import { cityCaseNames } from './caseList.js';
import { countOpenCases, openCasesCte, type ClockCounts } from './openCases.js';

/** How many overdue cases the wall gets at most: the longest overdue, more than a room reads. */
export const TV_OVERDUE_LIMIT = 200;

/** An overdue case on the wall: what it is, who holds it and how late, nothing of the citizen. */
export interface TvOverdueCase {
  trackingNumber: string;
  kind: 'permit' | 'complaint';
  /** The permit type or complaint category, in the wall's language. */
  title: string;
  departmentCode: string;
  departmentName: string;
  statusLabel: string;
  /** The holding officer's name (staff, not the citizen); null while nobody holds it. */
  holder: string | null;
  /** How long past its deadline, at `now`. */
  msOver: number;
  deadlineAt: string;
  clockName: ClockName;
  /** A complaint's clock and its deadline in words, in city time; null for a permit. */
  clockLabel: string | null;
}

/** What GET /api/board/tv answers: the city's figures, per department, and the overdue list. */
export interface TvBoard {
  now: string;
  city: string;
  timeZone: string;
  timeZoneLabel: string;
  totals: ClockCounts;
  /** Every department that handles permits or complaints, with zeros when it has no open case. */
  departments: Array<{ code: string; name: string } & ClockCounts>;
  /** Most overdue first, at most TV_OVERDUE_LIMIT; `totals.overdue` says how many there are. */
  overdue: TvOverdueCase[];
}

interface OverdueRow {
  kind: 'permit' | 'complaint';
  tracking_number: string;
  department_code: string;
  type_code: string;
  status: string;
  deadline_at: Date;
  clock_name: ClockName;
  ms_left: number;
  holder: string | null;
}

const ZERO: ClockCounts = { open: 0, on_time: 0, close: 0, overdue: 0, paused: 0 };

/** A department the wall lists even with nothing open: it takes permits or complaints. */
const servesCases = (handles: string[]) => handles.some((h) => h === 'permits' || h.startsWith('complaints:'));

/**
 * The TV wall's data for the whole city at `now`: the counts of countOpenCases and the overdue
 * cases read from the same open-cases query, so the wall's figures are the board's. Names come
 * from the city data in memory; only the holder is joined, by id.
 */
export async function readTvBoard(
  prisma: PrismaClient,
  city: CityData,
  translator: Translator,
  now: Date,
  lang: Lang,
): Promise<TvBoard> {
  const [counts, rows] = await Promise.all([
    countOpenCases(prisma, now, { departments: null }),
    prisma.$queryRaw<OverdueRow[]>`
      ${openCasesCte(now, { departments: null })}
      SELECT oc.kind, oc.tracking_number, oc.department_code, oc.type_code, oc.status, oc.deadline_at,
             oc.clock_name, oc.ms_left, o."name" AS holder
      FROM open_cases oc LEFT JOIN "Officer" o ON o."id" = oc.holder_id
      WHERE oc.state = 'overdue'
      ORDER BY oc.ms_left, oc.tracking_number
      LIMIT ${TV_OVERDUE_LIMIT}`,
  ]);

  const names = cityCaseNames(city);
  const listed = new Set(city.departments.map((d) => d.code));
  const counted = new Map(counts.departments.map((d) => [d.code, d]));
  // The city's own order of departments first, then any with open cases the city data no longer lists.
  const codes = [
    ...city.departments.filter((d) => servesCases(d.handles) || counted.has(d.code)).map((d) => d.code),
    ...counts.departments.map((d) => d.code).filter((code) => !listed.has(code)),
  ];
  const label = (kind: string, status: string) => translator.t(lang, { key: `status.${kind}.${status}` });

  return {
    now: now.toISOString(),
    city: city.name,
    timeZone: city.timezone,
    timeZoneLabel: city.timezoneLabel,
    totals: counts.total,
    departments: codes.map((code) => ({ ...ZERO, ...counted.get(code), code, name: names.department(code, lang) })),
    overdue: rows.map((r): TvOverdueCase => {
      const deadline = `${formatDateTime(r.deadline_at, lang, city.timezone)} ${city.timezoneLabel}`;
      return {
        trackingNumber: r.tracking_number,
        kind: r.kind,
        title: names.title(r.kind, r.type_code, lang),
        departmentCode: r.department_code,
        departmentName: names.department(r.department_code, lang),
        statusLabel: label(r.kind, r.status),
        holder: r.holder,
        msOver: Math.max(0, -r.ms_left),
        deadlineAt: r.deadline_at.toISOString(),
        clockName: r.clock_name,
        clockLabel:
          CASE_KIND[r.kind].clocks.length > 1
            ? translator.t(lang, { key: 'sla.clockDeadline', params: { clock: r.clock_name, deadline } })
            : null,
      };
    }),
  };
}
