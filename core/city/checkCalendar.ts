import type { CityProfile } from './loadCityData.js';

type Calendar = CityProfile['calendar'];

/** How far ahead the calendar must reach before the start warns: working-day SLAs look weeks ahead. */
export const CALENDAR_WARN_DAYS = 60;

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

const yearOf = (date: string) => Number(date.slice(0, 4));

/**
 * The last date the holiday list speaks for: 31 December of the last year it has a decree (a
 * source) or holidays for. Null when it has neither.
 */
export function calendarEnd(calendar: Calendar): string | null {
  const years = [...calendar.sources.map((s) => s.year), ...calendar.holidays.map((h) => yearOf(h.date))];
  return years.length === 0 ? null : `${Math.max(...years)}-12-31`;
}

/**
 * Mistakes in the holiday list that would count a wrong day as worked or off: a year with two
 * sources, or a year whose national holidays and cuti bersama do not add up to the counts its
 * decree states (a day dropped or typed twice while copying). Each names the field.
 */
export function calendarProblems(calendar: Calendar): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const source of calendar.sources) {
    if (seen.has(source.year)) {
      problems.push(`city.json: calendar.sources lists ${source.year} twice`);
      continue;
    }
    seen.add(source.year);
    if (!source.counts) continue;
    const ofYear = calendar.holidays.filter((h) => yearOf(h.date) === source.year);
    const national = ofYear.filter((h) => h.kind === 'national').length;
    const cutiBersama = ofYear.filter((h) => h.kind === 'cuti-bersama').length;
    if (national !== source.counts.national || cutiBersama !== source.counts.cutiBersama) {
      problems.push(
        `city.json: calendar.holidays of ${source.year} hold ${national} national holidays and ${cutiBersama} cuti bersama; ` +
          `its source (${source.decree}) states ${source.counts.national} and ${source.counts.cutiBersama}`,
      );
    }
  }
  const dates = new Set<string>();
  for (const h of calendar.holidays) {
    const key = `${h.date}/${h.kind}`;
    if (dates.has(key)) problems.push(`city.json: calendar.holidays lists ${h.date} (${h.kind}) twice`);
    dates.add(key);
  }
  return problems;
}

/**
 * What the city should fix soon, given today's date in the city (`YYYY-MM-DD`): a holiday list
 * that ends within `CALENDAR_WARN_DAYS` (past its end, working-day deadlines skip weekends only),
 * and a year of holidays with no source.
 * @example calendarWarnings(city.calendar, '2027-11-15') // ['city.json: the holiday calendar ends on 2027-12-31, in 46 days: ...']
 */
export function calendarWarnings(calendar: Calendar, today: string): string[] {
  const warnings: string[] = [];
  const end = calendarEnd(calendar);
  if (end === null) {
    warnings.push(
      'city.json: calendar.holidays is empty: working-day deadlines skip weekends only. Add the national holidays and cuti bersama of the decree (SKB 3 Menteri).',
    );
  } else {
    const left = daysBetween(today, end);
    const next = yearOf(end) + 1;
    const add = `add the national holidays and cuti bersama of ${next} (SKB 3 Menteri) to calendar.holidays with their source in calendar.sources`;
    if (left < 0) {
      warnings.push(
        `city.json: the holiday calendar ended on ${end}, ${-left} days ago: working-day deadlines skip weekends only; ${add}.`,
      );
    } else if (left <= CALENDAR_WARN_DAYS) {
      warnings.push(
        `city.json: the holiday calendar ends on ${end}, in ${left} days: past it working-day deadlines skip weekends only; ${add}.`,
      );
    }
  }
  const sourced = new Set(calendar.sources.map((s) => s.year));
  const unsourced = [...new Set(calendar.holidays.filter((h) => h.kind !== 'local').map((h) => yearOf(h.date)))].filter(
    (y) => !sourced.has(y),
  );
  for (const year of unsourced.sort()) {
    warnings.push(
      `city.json: the holidays of ${year} have no source: name the decree, its date and URL in calendar.sources.`,
    );
  }
  return warnings;
}

/**
 * Tentative holidays within `CALENDAR_WARN_DAYS` of today: worth a look, but no fault of the data
 * (Idul Fitri is decided the evening before), so they are told, not warned of.
 */
export function tentativeHolidaysAhead(calendar: Calendar, today: string): string[] {
  return calendar.holidays
    .filter((h) => {
      const inDays = daysBetween(today, h.date);
      return h.tentative && inDays >= 0 && inDays <= CALENDAR_WARN_DAYS;
    })
    .map(
      (h) =>
        `city.json: the holiday on ${h.date} is tentative: confirm or move it once decided${h.note ? ` (${h.note})` : ''}`,
    );
}
