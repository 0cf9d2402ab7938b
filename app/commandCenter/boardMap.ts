import type { CityData } from '../../core/city/loadCityData.js';
import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import type { Lang } from '../../core/conversation/types.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import { complaintClocks, currentClock } from '../../core/sla/caseClocks.js';
import { slaClock } from '../../web/slaClock.js';

export interface MapPoint {
  trackingNumber: string;
  title: string;
  latitude: number;
  longitude: number;
  state: 'on_time' | 'close' | 'overdue' | 'paused' | 'closed';
}

export interface MapBounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

/** The complaint map of /api/stats: its area, what lies under the dots, and the dots. */
export interface BoardMap {
  /** city.json's `map.bounds`, else the boundary's extent, else the points' own; null with nothing to show. */
  bounds: MapBounds | null;
  /** The base layer the city configures: where its boundary is served, and/or its tiles. */
  base: {
    boundary: string | null;
    tiles: { url: string; attribution: string; maxZoom: number } | null;
  };
  points: MapPoint[];
}

/** Where the board fetches the city's outline and districts (once per page). */
export const BOUNDARY_PATH = '/api/map/boundary';

const MAP_RECENT_DAYS = 30;
const MAP_LIMIT = 1000;

/**
 * The complaints with coordinates a viewer may see: the open ones and those of the last 30 days,
 * each with the state of the clock the board shows for it.
 */
export async function complaintMap(
  prisma: PrismaClient,
  city: CityData,
  q: { departments: string[] | null; now: Date; lang: Lang },
): Promise<BoardMap> {
  const rows = await prisma.complaint.findMany({
    where: {
      latitude: { not: null },
      longitude: { not: null },
      ...(q.departments ? { departmentCode: { in: q.departments } } : {}),
      OR: [
        { status: { in: [...COMPLAINT_OPEN_STATUSES] } },
        { createdAt: { gte: new Date(q.now.getTime() - MAP_RECENT_DAYS * 86_400_000) } },
      ],
    },
    include: { category: true },
    orderBy: { createdAt: 'desc' },
    take: MAP_LIMIT,
  });
  const points = rows.map((c): MapPoint => {
    // As on the board: an open complaint by its running clock due first.
    const shown = currentClock(complaintClocks(c), COMPLAINT_OPEN_STATUSES.includes(c.status));
    return {
      trackingNumber: c.trackingNumber,
      title: q.lang === 'en' ? c.category.nameEn : c.category.nameId,
      latitude: c.latitude!,
      longitude: c.longitude!,
      state: shown ? slaClock(shown, q.now.getTime()).state : 'closed',
    };
  });
  const tiles = city.map?.tiles;
  return {
    bounds: city.map?.bounds ?? city.mapBoundary?.extent ?? extentOf(points),
    base: {
      boundary: city.mapBoundary ? BOUNDARY_PATH : null,
      tiles: tiles ? { url: tiles.url, attribution: tiles.attribution, maxZoom: tiles.maxZoom } : null,
    },
    points,
  };
}

/** The origin of the city's map tiles (for the page's CSP img-src), or null without tiles. */
export function tileOrigin(city: CityData): string | null {
  const url = city.map?.tiles?.url;
  if (!url) return null;
  return new URL(url.replaceAll('{z}', '0').replaceAll('{x}', '0').replaceAll('{y}', '0')).origin;
}

/** The points' extent with a margin, so a lone point is not drawn on the edge. */
export function extentOf(points: MapPoint[]): MapBounds | null {
  if (points.length === 0) return null;
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  const pad = (min: number, max: number) => Math.max((max - min) * 0.1, 0.005);
  const [south, north, west, east] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  return {
    south: south - pad(south, north),
    north: north + pad(south, north),
    west: west - pad(west, east),
    east: east + pad(west, east),
  };
}
