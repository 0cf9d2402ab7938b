/**
 * Readers for what a provider posted, which the signature vouches came from the provider but not
 * that it has the shape its docs promise: a field may be missing, a number, a list (a repeated
 * form key), null, or absurdly long. Each reader gives the value only when it is of the kind asked.
 */

/** The longest provider id kept: ids are stored under a unique index, which refuses long keys. */
export const MAX_EXTERNAL_ID = 200;

/** `value` when it is a string of at most `max` characters, else undefined. */
export function stringOf(value: unknown, max = Number.POSITIVE_INFINITY): string | undefined {
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

/** A provider's message id: a non-empty string of at most MAX_EXTERNAL_ID characters, else undefined. */
export function idOf(value: unknown): string | undefined {
  const id = stringOf(value, MAX_EXTERNAL_ID);
  return id && id.trim() !== '' ? id : undefined;
}

/** `value` when it is a plain object (not null, not a list), else undefined. */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `value` when it is a list, else an empty one. */
export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` when it is a finite number, else undefined. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A `{latitude, longitude}` object of two finite numbers, as both chat platforms send a location; else undefined. */
export function coordinatesOf(value: unknown): { latitude: number; longitude: number } | undefined {
  const place = recordOf(value);
  const latitude = numberOf(place?.latitude);
  const longitude = numberOf(place?.longitude);
  return latitude === undefined || longitude === undefined ? undefined : { latitude, longitude };
}
