/**
 * Regions in NOP and NIK numbers: both begin with the province (2 digits) and the city or regency
 * (2 digits); a NIK goes on with the district (2). A city names its regions by these leading
 * digits, e.g. `1275` (NOPs `12.75.…`) or `127101` (NIKs of one district).
 */

/** True when the number (bare digits) begins with one of the region codes; any number when none are set. */
export function inRegion(number: string, regions: readonly string[] | undefined): boolean {
  return !regions || regions.some((code) => number.startsWith(code));
}

/** The region code of a number at the length the city uses (4 or 6), written with dots: `12.75`, `12.71.01`. */
export function regionOf(number: string, digits: 4 | 6 = 4): string {
  return (number.slice(0, digits).match(/\d{2}/g) ?? []).join('.');
}
