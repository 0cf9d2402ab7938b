import type { CityProfile } from '../city/loadCityData.js';
import type { WorkingCalendar } from '../domain/deadline.js';

const cache = new WeakMap<CityProfile, WorkingCalendar>();

/**
 * The city's working calendar, built once per loaded city: its national and local holidays, and
 * its cuti bersama unless the city keeps its offices open on them (`calendar.cutiBersamaClosed`).
 */
export function workingCalendarOf(city: CityProfile): WorkingCalendar {
  let calendar = cache.get(city);
  if (!calendar) {
    calendar = {
      timezone: city.timezone,
      workingWeekdays: city.calendar.workingWeekdays,
      holidays: new Set(
        city.calendar.holidays
          .filter((h) => h.kind !== 'cuti-bersama' || city.calendar.cutiBersamaClosed)
          .map((h) => h.date),
      ),
    };
    cache.set(city, calendar);
  }
  return calendar;
}
