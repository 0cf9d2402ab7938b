import { describe, expect, it } from 'vitest';
import { formatDate, localDate } from './calendarDate.js';

describe('localDate', () => {
  it.each([
    // WIB is UTC+7: 16:59:59Z is 23:59:59 the same day, 17:00Z is already midnight of the next.
    { instant: '2026-11-27T16:59:59Z', zone: 'Asia/Jakarta', date: '2026-11-27' },
    { instant: '2026-11-27T17:00:00Z', zone: 'Asia/Jakarta', date: '2026-11-28' },
    { instant: '2026-11-28T03:00:00Z', zone: 'Asia/Jakarta', date: '2026-11-28' },
    { instant: '2026-12-31T17:00:00Z', zone: 'Asia/Jakarta', date: '2027-01-01' },
    // WIT (Jayapura) is UTC+9, WITA (Makassar) UTC+8.
    { instant: '2026-11-27T15:00:00Z', zone: 'Asia/Jayapura', date: '2026-11-28' },
    { instant: '2026-11-27T15:00:00Z', zone: 'Asia/Makassar', date: '2026-11-27' },
    { instant: '2026-11-27T15:00:00Z', zone: 'UTC', date: '2026-11-27' },
  ])('$instant in $zone is $date', ({ instant, zone, date }) => {
    expect(localDate(new Date(instant), zone)).toBe(date);
  });
});

describe('formatDate', () => {
  it.each([
    { date: '2026-08-31', lang: 'id', text: '31 Agu 2026' },
    { date: '2026-08-31', lang: 'en', text: '31 Aug 2026' },
    { date: '2026-05-01', lang: 'id', text: '1 Mei 2026' },
    { date: '2026-05-01', lang: 'en', text: '1 May 2026' },
    { date: '2026-10-31', lang: 'id', text: '31 Okt 2026' },
    { date: '2026-12-25', lang: 'id', text: '25 Des 2026' },
    { date: '2026-12-25', lang: 'en', text: '25 Dec 2026' },
    // A calendar date has no time zone: 1 January stays 1 January.
    { date: '2027-01-01', lang: 'id', text: '1 Jan 2027' },
    { date: '2024-02-29', lang: 'en', text: '29 Feb 2024' },
  ] as const)('$date in $lang is $text', ({ date, lang, text }) => {
    expect(formatDate(date, lang)).toBe(text);
  });
});
