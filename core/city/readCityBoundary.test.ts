import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tileOrigin } from '../../app/commandCenter/boardMap.js';
import { CityDataError, loadCityData } from './loadCityData.js';

// The map's base layer in the city data: the boundary GeoJSON is read and checked at start, and a
// bad one stops the start with the file and the field named; so does a bad tile URL.

type Json = Record<string, unknown>;
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the default city with its boundary and/or city.json edited. */
function cityWith(edit: { boundary?: (g: Json) => void; city?: (c: Json) => void; rawBoundary?: string }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lk-boundary-'));
  tempDirs.push(dir);
  cpSync('city/default', dir, { recursive: true });
  const file = path.join(dir, 'boundary.geojson');
  if (edit.rawBoundary !== undefined) writeFileSync(file, edit.rawBoundary);
  if (edit.boundary) {
    const g = JSON.parse(readFileSync(file, 'utf8')) as Json;
    edit.boundary(g);
    writeFileSync(file, JSON.stringify(g));
  }
  if (edit.city) {
    const c = JSON.parse(readFileSync(path.join(dir, 'city.json'), 'utf8')) as Json;
    edit.city(c);
    writeFileSync(path.join(dir, 'city.json'), JSON.stringify(c));
  }
  return dir;
}

function refusal(dir: string): string {
  try {
    loadCityData(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(CityDataError);
    return (error as Error).message;
  }
  throw new Error(`loadCityData accepted ${dir}`);
}

type Feature = { properties: Json; geometry: { type: string; coordinates: unknown } };
const features = (g: Json) => g.features as Feature[];
const firstRing = (g: Json) => (features(g)[0]!.geometry.coordinates as number[][][])[0]!;
const mapOf = (c: Json) => c.map as Json;

describe('the default city', () => {
  it('ships a simplified outline with named districts, said to be illustrative, inside its bounds', () => {
    const city = loadCityData('city/default');
    const b = city.mapBoundary!;
    expect(b.source).toMatch(/simplified illustrative outline/);
    expect(b.source).toMatch(/not an official boundary/);
    expect(b.outline).toHaveLength(1);
    expect(b.districts.map((d) => d.name)).toEqual(['Contoh Utara', 'Contoh Barat', 'Contoh Timur', 'Contoh Selatan']);
    const bounds = city.map!.bounds!;
    expect(b.extent.south).toBeGreaterThanOrEqual(bounds.south);
    expect(b.extent.north).toBeLessThanOrEqual(bounds.north);
    expect(b.extent.west).toBeGreaterThanOrEqual(bounds.west);
    expect(b.extent.east).toBeLessThanOrEqual(bounds.east);
    expect(tileOrigin(city)).toBeNull();
  });
});

describe('a bad boundary is refused with the file and the field named', () => {
  it.each([
    {
      label: 'a Point instead of a polygon',
      edit: { boundary: (g: Json) => (features(g)[1]!.geometry = { type: 'Point', coordinates: [98.6, 3.6] }) },
      message:
        /boundary\.geojson is invalid:[\s\S]*features\.1\.geometry\.type: must be Polygon or MultiPolygon, not Point/,
    },
    {
      label: 'a ring that does not close',
      edit: { boundary: (g: Json) => firstRing(g).pop() },
      message: /features\.0\.geometry\.coordinates\.0: a ring must end at the position it starts with/,
    },
    {
      label: 'latitude and longitude swapped',
      edit: { boundary: (g: Json) => firstRing(g).forEach((p) => p.reverse()) },
      message: /features\.0\.geometry\.coordinates\.0\.0\.1: latitude must be -90 to 90/,
    },
    {
      label: 'a district without a name',
      edit: { boundary: (g: Json) => delete features(g)[2]!.properties.name },
      message: /features\.2\.properties\.name: a district needs properties\.name/,
    },
    {
      label: 'no outline, districts only',
      edit: { boundary: (g: Json) => (g.features = features(g).slice(1)) },
      message: /features: needs a feature with properties\.kind "city"/,
    },
    {
      label: 'no _source',
      edit: { boundary: (g: Json) => delete g._source },
      message: /boundary\.geojson is invalid:[\s\S]*_source/,
    },
    {
      label: 'not JSON at all',
      edit: { rawBoundary: '<kml></kml>' },
      message: /boundary\.geojson: cannot be read as JSON/,
    },
    {
      label: 'a file that is not there',
      edit: { city: (c: Json) => (mapOf(c).boundary = 'kota.geojson') },
      message: /kota\.geojson: cannot be read as JSON/,
    },
    {
      label: 'a path out of the city folder',
      edit: { city: (c: Json) => (mapOf(c).boundary = '../../etc/passwd.json') },
      message:
        /city\.json is invalid:[\s\S]*map\.boundary: must be the name of a \.geojson file in the city data folder/,
    },
    {
      label: 'an outline of another place than map.bounds',
      edit: { city: (c: Json) => (mapOf(c).bounds = { south: -6.4, west: 106.6, north: -6.1, east: 107 }) },
      message: /map\.boundary boundary\.geojson lies wholly outside map\.bounds/,
    },
  ])('$label', ({ edit, message }) => {
    expect(refusal(cityWith(edit))).toMatch(message);
  });
});

describe('map tiles', () => {
  const withTiles = (tiles: Json) => cityWith({ city: (c) => (mapOf(c).tiles = tiles) });

  it('takes a tile template with its attribution, and its origin is what the CSP allows', () => {
    const city = loadCityData(
      withTiles({ url: 'https://tiles.kota.example/osm/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors' }),
    );
    expect(city.map!.tiles).toEqual({
      url: 'https://tiles.kota.example/osm/{z}/{x}/{y}.png',
      attribution: '© OpenStreetMap contributors',
      maxZoom: 18,
    });
    expect(tileOrigin(city)).toBe('https://tiles.kota.example');
  });

  it.each([
    { url: 'https://tiles.kota.example/{z}/{x}.png', message: /map\.tiles\.url: must contain \{y\}/ },
    {
      url: 'https://{s}.tile.example/{z}/{x}/{y}.png',
      message: /map\.tiles\.url: may hold only \{z\}, \{x\} and \{y\}/,
    },
    { url: 'ftp://tiles.kota.example/{z}/{x}/{y}.png', message: /map\.tiles\.url: must be an http or https URL/ },
  ])('refuses $url', ({ url, message }) => {
    expect(refusal(withTiles({ url, attribution: 'x' }))).toMatch(message);
  });

  it('needs an attribution', () => {
    expect(refusal(withTiles({ url: 'https://t.example/{z}/{x}/{y}.png' }))).toMatch(/map\.tiles\.attribution/);
  });
});
