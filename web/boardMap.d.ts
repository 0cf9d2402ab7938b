/** Types of boardMap.js's pure parts, for the tests' TypeScript. */
export type MapState = 'on_time' | 'close' | 'overdue' | 'paused' | 'closed';

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

export interface Projection {
  kind: 'mercator' | 'equirectangular';
  width: number;
  height: number;
  zoom: number | null;
  left: number;
  top: number;
  x(lon: number): number;
  y(lat: number): number;
}

export interface Cluster<P> {
  x: number;
  y: number;
  state: MapState;
  points: P[];
  counts: Partial<Record<MapState, number>>;
}

export declare const MAP_STATES: Record<MapState, { label: string; mark: string }>;
export declare const STATE_ORDER: MapState[];
export declare const CLUSTER_PX: number;

export declare function worstState(states: Iterable<MapState>): MapState;
export declare function projectionFor(bounds: Bounds, tiles?: { maxZoom?: number } | null): Projection;
export declare function tilesFor(
  projection: Projection,
  template: string,
): Array<{ href: string; x: number; y: number; size: number }>;
export declare function clusterPoints<P extends { x: number; y: number; state: MapState }>(
  points: P[],
  radius: number,
): Array<Cluster<P>>;
export declare function zoomedBounds(
  points: Array<{ latitude: number; longitude: number }>,
  current: Bounds,
): Bounds | null;
export declare function countsText(counts: Partial<Record<MapState, number>>): string;
export declare function polygonPath(polygons: Array<Array<Array<[number, number]>>>, projection: Projection): string;
export declare function labelPoint(polygons: Array<Array<Array<[number, number]>>>): [number, number] | null;
export declare function drawMap(container: unknown, map: unknown): void;
