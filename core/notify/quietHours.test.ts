import { describe, expect, it } from 'vitest';
import { quietUntil } from './quietHours.js';

const WIB = 'Asia/Jakarta';
const NIGHT = { start: '21:00', end: '06:00' };
const LUNCH = { start: '12:00', end: '13:30' };

/** Wall-clock WIB (UTC+7, no daylight saving) as an instant. */
const wib = (local: string) => new Date(`${local}+07:00`);

describe('quietUntil', () => {
  it.each<{ label: string; quiet: { start: string; end: string }; now: string; until: string | null }>([
    {
      label: '22:00 inside a window over midnight: until 06:00 the next day',
      quiet: NIGHT,
      now: '2026-11-27T22:00:00',
      until: '2026-11-28T06:00:00',
    },
    {
      label: '21:00 exactly: the window has started',
      quiet: NIGHT,
      now: '2026-11-27T21:00:00',
      until: '2026-11-28T06:00:00',
    },
    {
      label: '23:59:59: still until 06:00 the next day',
      quiet: NIGHT,
      now: '2026-11-27T23:59:59',
      until: '2026-11-28T06:00:00',
    },
    {
      label: '00:00 after midnight: until 06:00 the same day',
      quiet: NIGHT,
      now: '2026-11-28T00:00:00',
      until: '2026-11-28T06:00:00',
    },
    {
      label: '05:59: until 06:00 the same day',
      quiet: NIGHT,
      now: '2026-11-28T05:59:00',
      until: '2026-11-28T06:00:00',
    },
    { label: '06:00 exactly: the window is over', quiet: NIGHT, now: '2026-11-28T06:00:00', until: null },
    { label: '12:00: daytime', quiet: NIGHT, now: '2026-11-28T12:00:00', until: null },
    { label: '20:59: not yet', quiet: NIGHT, now: '2026-11-28T20:59:00', until: null },
    {
      label: '22:00 on the last day of a month: until 06:00 on the 1st',
      quiet: NIGHT,
      now: '2026-11-30T22:00:00',
      until: '2026-12-01T06:00:00',
    },
    {
      label: "22:00 on New Year's Eve: until 06:00 on 1 January",
      quiet: NIGHT,
      now: '2026-12-31T22:00:00',
      until: '2027-01-01T06:00:00',
    },
    {
      label: 'a daytime window, inside: until its end the same day',
      quiet: LUNCH,
      now: '2026-11-28T12:45:00',
      until: '2026-11-28T13:30:00',
    },
    { label: 'a daytime window, at its start', quiet: LUNCH, now: '2026-11-28T12:00:00', until: '2026-11-28T13:30:00' },
    { label: 'a daytime window, at its end', quiet: LUNCH, now: '2026-11-28T13:30:00', until: null },
    { label: 'a daytime window, before it', quiet: LUNCH, now: '2026-11-28T11:59:00', until: null },
    { label: 'a daytime window, at night', quiet: LUNCH, now: '2026-11-28T23:00:00', until: null },
  ])('$label', ({ quiet, now, until }) => {
    expect(quietUntil(wib(now), quiet, WIB)?.toISOString() ?? null).toBe(
      until === null ? null : wib(until).toISOString(),
    );
  });

  it('reads the hours in the city time zone, not the server one', () => {
    // 15:30 UTC is 22:30 WIB (quiet) but 23:30 WITA in Makassar (quiet too, ending at 06:00 WITA).
    const now = new Date('2026-11-28T15:30:00Z');
    expect(quietUntil(now, NIGHT, WIB)?.toISOString()).toBe('2026-11-28T23:00:00.000Z');
    expect(quietUntil(now, NIGHT, 'Asia/Makassar')?.toISOString()).toBe('2026-11-28T22:00:00.000Z');
    // 03:00 UTC: 10:00 WIB, daytime.
    expect(quietUntil(new Date('2026-11-28T03:00:00Z'), NIGHT, WIB)).toBeNull();
  });
});
