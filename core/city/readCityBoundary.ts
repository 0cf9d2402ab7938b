import path from 'node:path';
import { z } from 'zod';
import { readValidatedJson } from '../data/readValidatedJson.js';

/** Polygons as GeoJSON writes them: polygons of rings of [longitude, latitude] positions (WGS84). */
export type Polygons = Array<Array<Array<[number, number]>>>;

/** The city's outline and its districts (kecamatan), drawn under the Command Center's complaint map. */
export interface CityBoundary {
  /** Where the outline comes from (the file's `_source`), e.g. a BIG/Kemendagri dataset and its date. */
  source: string;
  outline: Polygons;
  districts: Array<{ name: string; polygons: Polygons }>;
  /** The outline's extent: the map's area when city.json sets no `map.bounds`. */
  extent: { south: number; west: number; north: number; east: number };
}

// GeoJSON (RFC 7946) positions are [longitude, latitude, altitude?]; the altitude is dropped.
const position = z
  .tuple([
    z.number().min(-180, 'longitude must be -180 to 180').max(180, 'longitude must be -180 to 180'),
    z.number().min(-90, 'latitude must be -90 to 90').max(90, 'latitude must be -90 to 90'),
  ])
  .rest(z.number())
  .transform(([lon, lat]): [number, number] => [lon, lat]);
const ring = z
  .array(position)
  .min(4, 'a ring needs at least 4 positions (a triangle and its first position again)')
  .refine((r) => {
    const [first, last] = [r[0]!, r[r.length - 1]!];
    return first[0] === last[0] && first[1] === last[1];
  }, 'a ring must end at the position it starts with');
const polygon = z.array(ring).min(1, 'a polygon needs an outer ring');
const geometry = z
  .object({ type: z.string(), coordinates: z.unknown() })
  .superRefine((g, ctx) => {
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
      ctx.addIssue({ code: 'custom', path: ['type'], message: `must be Polygon or MultiPolygon, not ${g.type}` });
  })
  .pipe(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: polygon.transform((p) => [p]) }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }),
    ]),
  );
const feature = z
  .object({
    type: z.literal('Feature'),
    geometry,
    properties: z.object({
      /** `city`: (part of) the outline; `district`: a kecamatan, drawn with its name. */
      kind: z.enum(['city', 'district']),
      name: z.string().min(1).optional(),
    }),
  })
  .refine((f) => f.properties.kind !== 'district' || f.properties.name !== undefined, {
    message: 'a district needs properties.name',
    path: ['properties', 'name'],
  });
const boundaryFile = z
  .object({
    type: z.literal('FeatureCollection'),
    _source: z.string().min(1, 'say where the outline comes from'),
    features: z.array(feature).min(1),
  })
  .refine((f) => f.features.some((x) => x.properties.kind === 'city'), {
    message: 'needs a feature with properties.kind "city" (the outline)',
    path: ['features'],
  });

/**
 * Reads and validates the city's boundary GeoJSON (`map.boundary` of city.json), a file in the
 * city data folder: a FeatureCollection of Polygon or MultiPolygon features, the outline
 * (`kind: "city"`) and optionally its districts (`kind: "district"` with a `name`).
 * @example const boundary = readCityBoundary('city/default', 'boundary.geojson', toError);
 */
export function readCityBoundary(dir: string, file: string, toError: (message: string) => Error): CityBoundary {
  const full = path.resolve(dir, file);
  if (path.relative(path.resolve(dir), full).startsWith('..') || path.isAbsolute(file))
    throw toError(`city.json: map.boundary must name a file inside ${dir}, not ${file}`);
  const data = readValidatedJson(full, boundaryFile, toError);
  const outline = data.features.filter((f) => f.properties.kind === 'city').flatMap((f) => f.geometry.coordinates);
  const districts = data.features
    .filter((f) => f.properties.kind === 'district')
    .map((f) => ({ name: f.properties.name!, polygons: f.geometry.coordinates }));
  // A loop, not Math.min(...): an official outline has more positions than a call has arguments.
  const extent = { south: 90, west: 180, north: -90, east: -180 };
  for (const [lon, lat] of outline.flat(2)) {
    extent.south = Math.min(extent.south, lat);
    extent.north = Math.max(extent.north, lat);
    extent.west = Math.min(extent.west, lon);
    extent.east = Math.max(extent.east, lon);
  }
  return {
    source: data._source,
    outline,
    districts,
    extent,
  };
}
