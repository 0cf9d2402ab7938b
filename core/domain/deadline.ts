import { keptFormat, localDate } from './calendarDate.js';

/** A working calendar: which weekdays are worked (0 Sunday ... 6 Saturday) and the public holidays. */
export interface WorkingCalendar {
  timezone: string;
  workingWeekdays: readonly number[];
  holidays: ReadonlySet<string>;
}

/** An SLA: calendar hours (SIUP: 24) or working days on the city's calendar. */
export type Sla = { hours: number } | { workingDays: number };

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** True when the calendar date is a working day: a worked weekday and no public holiday. */
export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return calendar.workingWeekdays.includes(weekday) && !calendar.holidays.has(date);
}

/**
 * The wall-clock time of `instant` in `timeZone`, read as if it were UTC, to the second: what a
 * clock on the wall there shows (and what a spreadsheet, which has no zones, should show).
 */
export function wallClockAsUtc(instant: Date, timeZone: string): number {
  const parts = keptFormat(
    `wallClock/${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  ).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return Date.parse(`${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}Z`);
}

/** The instant at which a wall-clock time on a calendar date happens in a time zone. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}Z`);
  // Guess with offset 0, then correct by the zone's offset at that instant (twice, for DST edges).
  let instant = wall;
  for (let i = 0; i < 2; i++) {
    instant += wall - (wallClockAsUtc(new Date(instant), timeZone) + (instant % 1000));
  }
  return new Date(instant);
}

/**
 * When a case is due. Calendar hours are added as they are, nights and weekends included.
 * Working days are counted from the first working day after the day of submission (a case
 * filed on a Saturday, a holiday or at any hour of a working day starts counting the next
 * working day), and the case is due at the end of the last of them: 23:59:59.999 local time.
 * @example deadline(new Date('2026-11-27T03:00:00Z'), { workingDays: 3 }, calendar) // end of Wed 2 Dec 2026 WIB
 */
export function computeDeadline(submittedAt: Date, sla: Sla, calendar: WorkingCalendar): Date {
  if ('hours' in sla) return new Date(submittedAt.getTime() + sla.hours * 3_600_000);
  let date = localDate(submittedAt, calendar.timezone);
  let counted = 0;
  while (counted < sla.workingDays) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar)) counted++;
  }
  return zonedInstant(date, '23:59:59.999', calendar.timezone);
}
