import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCity } from '../../test/support/testDatabase.js';
import { workingCalendarOf } from '../cases/workingCalendarOf.js';
import { localDate } from './calendarDate.js';
import { computeDeadline, isWorkingDay, wallClockAsUtc, zonedInstant, type Sla } from './deadline.js';

// The default city: Monday-Friday, Asia/Jakarta (WIB, UTC+7), holidays from city/default/city.json.
const calendar = workingCalendarOf(defaultCity);

interface DeadlineCase {
  label: string;
  submittedAt: string;
  sla: Sla;
  expected: string;
  why: string;
}

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'deadline.cases.json'), 'utf8')) as {
  deadlines: DeadlineCase[];
  workingDays: Array<{ date: string; working: boolean; why: string }>;
  zonedInstants: Array<{ date: string; time: string; timeZone: string; expected: string; why: string }>;
};

describe('computeDeadline on the default city calendar', () => {
  it('reads the calendar the cases assume', () => {
    expect(calendar.timezone).toBe('Asia/Jakarta');
    expect([...calendar.workingWeekdays]).toEqual([1, 2, 3, 4, 5]);
    for (const holiday of [
      '2026-12-24',
      '2026-12-25',
      '2027-01-01',
      '2026-08-17',
      '2026-03-19',
      '2026-03-20',
      '2026-03-23',
    ]) {
      expect(calendar.holidays.has(holiday)).toBe(true);
    }
  });

  it.each(fixture.deadlines)('$label', ({ submittedAt, sla, expected }) => {
    expect(computeDeadline(new Date(submittedAt), sla, calendar).toISOString()).toBe(expected);
  });

  // Every day of 2026 at two hours of the WIB day, against a count made here day by day.
  it.each([1, 2, 3, 5, 14])('%i working days from any day of 2026 end on the Nth working day after it', (days) => {
    for (let d = new Date('2026-01-01T00:00:00Z'); d.getUTCFullYear() === 2026; d.setUTCDate(d.getUTCDate() + 1)) {
      const date = d.toISOString().slice(0, 10);
      for (const time of ['00:00:00', '23:30:00']) {
        const submittedAt = zonedInstant(date, time, 'Asia/Jakarta');
        const deadline = computeDeadline(submittedAt, { workingDays: days }, calendar);
        const due = localDate(deadline, 'Asia/Jakarta');
        expect(deadline.toISOString()).toBe(`${due}T16:59:59.999Z`);
        expect(isWorkingDay(due, calendar)).toBe(true);
        let counted = 0;
        for (let c = new Date(`${date}T00:00:00Z`); ;) {
          c.setUTCDate(c.getUTCDate() + 1);
          const day = c.toISOString().slice(0, 10);
          if (isWorkingDay(day, calendar)) counted++;
          if (day === due) break;
        }
        expect(counted).toBe(days);
      }
    }
  });
});

describe('isWorkingDay', () => {
  it.each(fixture.workingDays)('$date is working: $working ($why)', ({ date, working }) => {
    expect(isWorkingDay(date, calendar)).toBe(working);
  });
});

describe('zonedInstant', () => {
  it.each(fixture.zonedInstants)(
    '$date $time in $timeZone is $expected ($why)',
    ({ date, time, timeZone, expected }) => {
      expect(zonedInstant(date, time, timeZone).toISOString()).toBe(expected);
    },
  );
});

describe('wallClockAsUtc', () => {
  it("reads each zone's own wall clock when zones alternate (one formatter kept per zone)", () => {
    const instant = new Date('2026-03-29T00:30:00Z');
    const read = (timeZone: string) => new Date(wallClockAsUtc(instant, timeZone)).toISOString();
    for (let i = 0; i < 2; i++) {
      expect(read('Asia/Jakarta')).toBe('2026-03-29T07:30:00.000Z');
      expect(read('Asia/Jayapura')).toBe('2026-03-29T09:30:00.000Z');
      // Europe/Berlin went to summer time at 01:00 UTC that night: still UTC+1 here.
      expect(read('Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    }
  });
});
