/**
 * Readers for Open311 GET parameters, which anyone may send: values of the wrong shape (a NUL, a
 * year 99999) must be refused here, as PostgreSQL would refuse them with an error.
 */

/** Tracking numbers, service codes: letters, digits, `-` and `_`. */
const CODE = /^[A-Za-z0-9_-]{1,40}$/;
/** ISO 8601 as GeoReport v2 asks: a date, optionally a time with seconds, fraction and zone. */
const ISO_8601 = /^(\d{4})-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A tracking number or service code as it is stored (upper case for tracking numbers), or null when it cannot be one. */
export function open311Code(raw: string): string | null {
  const trimmed = raw.trim();
  return CODE.test(trimmed) ? trimmed : null;
}

/** An ISO 8601 date and time of years 1970 to 9999, or null for anything else (`-1`, `99999-01-01`, `yesterday`). */
export function open311Date(raw: string): Date | null {
  const match = ISO_8601.exec(raw.trim());
  if (!match) return null;
  const year = Number(match[1]);
  const at = new Date(raw.trim());
  return year >= 1970 && year <= 9999 && !Number.isNaN(at.getTime()) ? at : null;
}

/**
 * A list parameter as GeoReport v2 allows it ("can be declared multiple times, comma delimited"):
 * `status=open,closed` and `status=open&status=closed` alike; empty members dropped, so an empty
 * parameter is as if not given. Anything else a query string cannot carry is not given.
 */
export function open311List(value: unknown): string[] {
  const given = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return given
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** What GET requests.{format} may span: "a span of 90 days" (GeoReport v2, "Response Volume"). */
export const OPEN311_MAX_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * The requested_datetime range of GET requests.{format}: without dates the most recent 90 days;
 * one date fixes one end of a 90-day span; both may span at most 90 days. A string is the error
 * to answer with 400.
 */
export function open311Window(
  start: Date | undefined,
  end: Date | undefined,
  now: Date,
): { gte: Date; lte?: Date } | string {
  const span = OPEN311_MAX_DAYS * DAY_MS;
  if (start && end) {
    if (end < start) return 'end_date is before start_date';
    if (end.getTime() - start.getTime() > span)
      return `start_date to end_date may span at most ${OPEN311_MAX_DAYS} days`;
    return { gte: start, lte: end };
  }
  if (start) return { gte: start, lte: new Date(start.getTime() + span) };
  if (end) return { gte: new Date(end.getTime() - span), lte: end };
  return { gte: new Date(now.getTime() - span) };
}
