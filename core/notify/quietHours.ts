import { wallClockAsUtc, zonedInstant } from '../domain/deadline.js';

/**
 * When an SMS notification may go out: null when now is outside the quiet hours, else the end of
 * them. Quiet hours may span midnight (21:00-06:00), in the city's time zone.
 */
export function quietUntil(now: Date, quiet: { start: string; end: string }, timeZone: string): Date | null {
  // The city's wall clock read once: `2026-11-28T21:30:00.000Z` gives the date and the time.
  const wall = new Date(wallClockAsUtc(now, timeZone)).toISOString();
  const time = wall.slice(11, 16);
  const spansMidnight = quiet.start > quiet.end;
  const inside = spansMidnight ? time >= quiet.start || time < quiet.end : time >= quiet.start && time < quiet.end;
  if (!inside) return null;
  const today = wall.slice(0, 10);
  const endDay =
    spansMidnight && time >= quiet.start
      ? new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      : today;
  return zonedInstant(endDay, `${quiet.end}:00.000`, timeZone);
}
