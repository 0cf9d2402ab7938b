import { wallClockAsUtc, zonedInstant } from '../domain/deadline.js';
import { localDate } from '../domain/calendarDate.js';

/**
 * When an SMS notification may go out: null when now is outside the quiet hours, else the end of
 * them. Quiet hours may span midnight (21:00-06:00), in the city's time zone.
 */
export function quietUntil(now: Date, quiet: { start: string; end: string }, timeZone: string): Date | null {
  const time = new Date(wallClockAsUtc(now, timeZone)).toISOString().slice(11, 16);
  const spansMidnight = quiet.start > quiet.end;
  const inside = spansMidnight ? time >= quiet.start || time < quiet.end : time >= quiet.start && time < quiet.end;
  if (!inside) return null;
  const today = localDate(now, timeZone);
  const endDay =
    spansMidnight && time >= quiet.start
      ? new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      : today;
  return zonedInstant(endDay, `${quiet.end}:00.000`, timeZone);
}
