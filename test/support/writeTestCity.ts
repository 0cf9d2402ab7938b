import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A city data folder for a test: the default city with the top-level parts of city.json that a
 * fixture replaces (all but its `about`), in a fresh temporary folder for CITY_DATA_DIR.
 * The catalogue files are copied as they are, so the test city never drifts from the default.
 */
export function writeTestCity(fixturePath: string): string {
  const source = 'city/default';
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-city-'));
  const overrides = JSON.parse(readFileSync(fixturePath, 'utf8')) as Record<string, unknown>;
  delete overrides.about;
  const city = JSON.parse(readFileSync(path.join(source, 'city.json'), 'utf8')) as Record<string, unknown>;
  // Status notices go at once unless the fixture says otherwise: their hold has tests of its own.
  const notifications = { ...(city.notifications as object), coalesceSeconds: 0 };
  writeFileSync(path.join(dir, 'city.json'), JSON.stringify({ ...city, notifications, ...overrides }, null, 2));
  for (const file of ['departments.json', 'permit-types.json', 'boundary.geojson']) {
    copyFileSync(path.join(source, file), path.join(dir, file));
  }
  return dir;
}
