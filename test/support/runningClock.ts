/**
 * Makes a test clock (`{ now }`, as startApp's) run with real time from `from` on. Setting `now`
 * moves it, and it runs on from there. BullMQ delays use the real clock, so timers scheduled
 * from this clock fire when its `now` reaches them, whatever moment it started at.
 * @example runClock(app.clock, new Date('2026-11-30T03:00:00Z')) // 10:00 WIB, out of quiet hours
 */
export function runClock(clock: { now: Date }, from: Date): void {
  let offset = from.getTime() - Date.now();
  Object.defineProperty(clock, 'now', {
    configurable: true,
    enumerable: true,
    get: () => new Date(Date.now() + offset),
    set: (value: Date) => {
      offset = value.getTime() - Date.now();
    },
  });
}

/** The first moment at `hour`:00 in a time zone with a fixed offset (WIB: +7) after `after`. */
export function nextLocalHour(after: Date, hour: number, utcOffsetHours = 7): Date {
  const day = new Date(after.getTime() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
  const sign = utcOffsetHours >= 0 ? '+' : '-';
  const offset = `${sign}${String(Math.abs(utcOffsetHours)).padStart(2, '0')}:00`;
  const today = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00${offset}`);
  return today.getTime() > after.getTime() ? today : new Date(today.getTime() + 86_400_000);
}
