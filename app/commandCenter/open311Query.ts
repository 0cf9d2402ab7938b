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
