import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCity } from '../../test/support/testDatabase.js';
import { workingCalendarOf } from '../cases/workingCalendarOf.js';
import { computeDeadline } from '../domain/deadline.js';
import { zonedInstant } from '../domain/deadline.js';
import { calendarEnd, calendarProblems, calendarWarnings, tentativeHolidaysAhead } from './checkCalendar.js';
import { cityWarnings } from './cityWarnings.js';
import type { CityProfile } from './loadCityData.js';

interface DecreeRow {
  date: string;
  day: string;
  what: string;
}
interface Decree {
  year: number;
  decree: string;
  signed: string;
  source: string;
  tentative?: string[];
  nationalHolidays: DecreeRow[];
  cutiBersama: DecreeRow[];
}
const { decrees } = JSON.parse(readFileSync(path.join(import.meta.dirname, 'holidayDecrees.fixture.json'), 'utf8')) as {
  decrees: Decree[];
};

const MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];
const DAYS = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];

/** "21 Maret" of 2026 as 2026-03-21. */
function isoOf(row: string, year: number): string {
  const [day, month] = row.split(' ');
  const m = MONTHS.indexOf(month!) + 1;
  expect(m, row).toBeGreaterThan(0);
  return `${year}-${String(m).padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

const calendar = defaultCity.calendar;
type Calendar = CityProfile['calendar'];
const withHolidays = (edit: (c: Calendar) => Calendar): Calendar => edit(structuredClone(calendar));

describe('the default city holds each decree as it is written', () => {
  it.each(decrees)('$year: every row of the decree, weekday checked, and nothing else', (decree) => {
    const expected = [
      ...decree.nationalHolidays.map((r) => ({ row: r, kind: 'national' })),
      ...decree.cutiBersama.map((r) => ({ row: r, kind: 'cuti-bersama' })),
    ].map(({ row, kind }) => {
      const date = isoOf(row.date, decree.year);
      // The weekday the decree prints: a slip in this transcription shows here.
      expect(DAYS[new Date(`${date}T00:00:00Z`).getUTCDay()], `${row.date} ${decree.year}`).toBe(row.day);
      return { date, kind, tentative: (decree.tentative ?? []).includes(row.date) };
    });
    const held = calendar.holidays
      .filter((h) => h.date.startsWith(`${decree.year}-`) && h.kind !== 'local')
      .map((h) => ({ date: h.date, kind: h.kind, tentative: h.tentative }));
    const byDate = (a: { date: string }, b: { date: string }) => a.date.localeCompare(b.date);
    expect(held.sort(byDate)).toEqual(expected.sort(byDate));
  });

  it('counts 17 national holidays and 8 cuti bersama in 2026, 18 and 8 in 2027, as the decrees state', () => {
    const count = (year: number, kind: string) =>
      calendar.holidays.filter((h) => h.date.startsWith(`${year}-`) && h.kind === kind).length;
    expect(decrees.map((d) => [d.year, d.nationalHolidays.length, d.cutiBersama.length])).toEqual([
      [2026, 17, 8],
      [2027, 18, 8],
    ]);
    for (const d of decrees) {
      expect([count(d.year, 'national'), count(d.year, 'cuti-bersama')]).toEqual([
        d.nationalHolidays.length,
        d.cutiBersama.length,
      ]);
      const source = calendar.sources.find((s) => s.year === d.year);
      expect(source).toMatchObject({
        signed: d.signed,
        counts: { national: d.nationalHolidays.length, cutiBersama: d.cutiBersama.length },
      });
      expect(source!.decree).toContain(d.decree.replace('Keputusan Bersama ', ''));
      expect(source!.url).toMatch(/^https:\/\/www\.kemenkopmk\.go\.id\//);
    }
  });

  it('has Idul Fitri 1447 H on 21-22 March 2026 with the cuti bersama around it', () => {
    const on = (date: string) => calendar.holidays.filter((h) => h.date === date).map((h) => h.kind);
    expect(on('2026-03-20')).toEqual(['cuti-bersama']);
    expect(on('2026-03-21')).toEqual(['national']);
    expect(on('2026-03-22')).toEqual(['national']);
    expect(on('2026-03-23')).toEqual(['cuti-bersama']);
    expect(on('2026-03-24')).toEqual(['cuti-bersama']);
  });
});

describe('cuti bersama as a day off is the city setting calendar.cutiBersamaClosed', () => {
  // Tue 17 Mar 2026 10:00 WIB, 3 working days: Lebaran's week is 18-24 March.
  const filed = zonedInstant('2026-03-17', '10:00:00', 'Asia/Jakarta');

  it('closed (the default): the deadline skips the cuti bersama too, to the end of Fri 27 March', () => {
    expect(calendar.cutiBersamaClosed).toBe(true);
    const due = computeDeadline(filed, { workingDays: 3 }, workingCalendarOf(defaultCity));
    expect(due.toISOString()).toBe('2026-03-27T16:59:59.999Z');
  });

  it('open: only the national holidays are skipped, to the end of Tue 24 March', () => {
    const open: CityProfile = { ...defaultCity, calendar: { ...calendar, cutiBersamaClosed: false } };
    // Wed 18 (1), Thu 19 Nyepi, Fri 20 (2), Sat 21-Sun 22 Idul Fitri, Mon 23 (3).
    const due = computeDeadline(filed, { workingDays: 3 }, workingCalendarOf(open));
    expect(due.toISOString()).toBe('2026-03-23T16:59:59.999Z');
  });
});

describe('calendarWarnings: the start warns 60 days before the holiday list runs out', () => {
  it('reaches the end of 2027', () => {
    expect(calendarEnd(calendar)).toBe('2027-12-31');
  });

  it.each([
    { today: '2026-12-02', says: null },
    { today: '2027-10-31', says: null },
    { today: '2027-11-01', says: /ends on 2027-12-31, in 60 days: .*cuti bersama of 2028 \(SKB 3 Menteri\)/ },
    { today: '2027-12-31', says: /ends on 2027-12-31, in 0 days/ },
    { today: '2028-01-10', says: /ended on 2027-12-31, 10 days ago: working-day deadlines skip weekends only/ },
  ])('on $today: $says', ({ today, says }) => {
    expect(calendarWarnings(calendar, today)).toEqual(says ? [expect.stringMatching(says)] : []);
  });

  it('warns of a year of holidays without its source, and of an empty list', () => {
    const unsourced = withHolidays((c) => ({ ...c, sources: c.sources.filter((s) => s.year !== 2027) }));
    expect(calendarWarnings(unsourced, '2026-12-02')).toEqual([
      'city.json: the holidays of 2027 have no source: name the decree, its date and URL in calendar.sources.',
    ]);
    const empty = withHolidays((c) => ({ ...c, sources: [], holidays: [] }));
    expect(calendarWarnings(empty, '2026-12-02')).toEqual([expect.stringMatching(/calendar\.holidays is empty/)]);
  });

  it('tells of tentative dates within 60 days, not as a warning', () => {
    expect(tentativeHolidaysAhead(calendar, '2026-12-02')).toEqual([]);
    expect(tentativeHolidaysAhead(calendar, '2027-02-01')).toEqual([
      expect.stringMatching(/^city\.json: the holiday on 2027-03-10 is tentative: .*sidang isbat/),
      expect.stringMatching(/2027-03-11 is tentative/),
    ]);
    expect(calendarWarnings(calendar, '2027-02-01')).toEqual([]);
  });

  it('cityWarnings reads today in the city from the clock it is given, and names a missing NOP region', () => {
    // 2027-10-31 17:30Z is already 1 November in WIB: 60 days left.
    expect(cityWarnings(defaultCity, new Date('2027-10-31T16:30:00Z')).warnings).toEqual([]);
    expect(cityWarnings(defaultCity, new Date('2027-10-31T17:30:00Z')).warnings).toEqual([
      expect.stringMatching(/in 60 days/),
    ]);
    const noRegion: CityProfile = { ...defaultCity, pbb: { ...defaultCity.pbb, nopRegions: undefined } };
    expect(cityWarnings(noRegion, new Date('2026-12-02T03:00:00Z')).warnings).toEqual([
      expect.stringMatching(/pbb\.nopRegions is not set: the PBB import takes any region's NOPs/),
    ]);
  });
});

describe('calendarProblems: a list that disagrees with its decree stops the start', () => {
  it('accepts the default city', () => {
    expect(calendarProblems(calendar)).toEqual([]);
  });

  it('names a year whose counts differ from its source (a day dropped), a source twice, a date twice', () => {
    const broken = withHolidays((c) => ({
      ...c,
      sources: [...c.sources, c.sources[0]!],
      holidays: [...c.holidays.filter((h) => h.date !== '2026-03-23'), c.holidays[0]!],
    }));
    expect(calendarProblems(broken)).toEqual([
      expect.stringMatching(
        /^city\.json: calendar\.holidays of 2026 hold 18 national holidays and 7 cuti bersama; its source \(.*No\. 1497 Tahun 2025.*\) states 17 and 8$/,
      ),
      'city.json: calendar.sources lists 2026 twice',
      'city.json: calendar.holidays lists 2026-01-01 (national) twice',
    ]);
  });
});
