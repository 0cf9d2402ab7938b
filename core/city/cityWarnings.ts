import { localDate } from '../domain/calendarDate.js';
import { calendarWarnings, tentativeHolidaysAhead } from './checkCalendar.js';
import type { CityProfile } from './loadCityData.js';

/** What the city's data should have fixed soon (`warnings`) or looked at (`notices`), as of `now`. */
export interface CityWarnings {
  warnings: string[];
  notices: string[];
}

/**
 * The city data's problems that do not stop the start but make answers wrong sooner or later: a
 * holiday list about to run out, a year without its source, no NOP region (the ledger import
 * would take another region's bills). Logged at start and listed by `/healthz`.
 * @example cityWarnings(city, clock()).warnings // ['city.json: the holiday calendar ends on 2027-12-31, in 46 days: ...']
 */
export function cityWarnings(city: CityProfile, now: Date): CityWarnings {
  const today = localDate(now, city.timezone);
  const warnings = calendarWarnings(city.calendar, today);
  if (!city.pbb.nopRegions) {
    warnings.push(
      'city.json: pbb.nopRegions is not set: the PBB import takes any region\'s NOPs. Name the city\'s region, e.g. "nopRegions": ["1275"] for NOPs 12.75.…',
    );
  }
  return { warnings, notices: tentativeHolidaysAhead(city.calendar, today) };
}
