import type { CityData } from '../city/loadCityData.js';

/**
 * A coordinate rounded to `decimals` places: what leaves the officers' own case page (the board
 * map, Open311, exports) and what a pseudonymised complaint keeps. 3 decimals is about 110 m.
 */
export function roundCoordinate(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * The decimals a published coordinate keeps under UU PDP: the city's privacy.coordinateDecimals,
 * or fewer when an output asks for fewer of its own (Open311's open311.coordinateDecimals).
 */
export function publishedDecimals(city: Pick<CityData, 'privacy'>, ownDecimals?: number): number {
  const privacy = city.privacy.coordinateDecimals;
  return ownDecimals === undefined ? privacy : Math.min(privacy, ownDecimals);
}

/** A coordinate as published outside the officers' case page (the stored one stays exact). */
export function publishedCoordinate(
  value: number | null,
  city: Pick<CityData, 'privacy'>,
  ownDecimals?: number,
): number | null {
  return roundCoordinate(value, publishedDecimals(city, ownDecimals));
}
