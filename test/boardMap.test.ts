import { describe, expect, it } from 'vitest';
import {
  clusterPoints,
  countsText,
  labelPoint,
  polygonPath,
  projectionFor,
  tilesFor,
  worstState,
  zoomedBounds,
  type MapState,
} from '../web/boardMap.js';

// The pure parts of the board's map (web/boardMap.js): projections that keep dots, outline and
// tiles in register, the greedy clustering, and the zoom into a cluster.

const CITY = { south: 3.48, west: 98.59, north: 3.8, east: 98.75 };
const point = (x: number, y: number, state: MapState, id = `${x},${y}`) => ({ x, y, state, id });

describe('worstState', () => {
  it.each([
    { states: ['on_time', 'overdue', 'closed'], worst: 'overdue' },
    { states: ['paused', 'close'], worst: 'close' },
    { states: ['closed', 'paused'], worst: 'paused' },
    { states: ['closed'], worst: 'closed' },
    { states: ['on_time', 'paused', 'closed'], worst: 'on_time' },
  ] as Array<{ states: MapState[]; worst: MapState }>)('$states -> $worst', ({ states, worst }) => {
    expect(worstState(states)).toBe(worst);
  });
});

describe('projectionFor without tiles (equirectangular)', () => {
  const p = projectionFor(CITY);

  it('puts the corners of the bounds on the corners of the view', () => {
    expect(p.kind).toBe('equirectangular');
    expect([p.x(CITY.west), p.y(CITY.north)]).toEqual([0, 0]);
    expect(p.x(CITY.east)).toBeCloseTo(p.width, 9);
    expect(p.y(CITY.south)).toBeCloseTo(p.height, 9);
  });

  it('shortens a degree of longitude by cos(latitude), so the city keeps its shape', () => {
    const kmPerDegree = 111.32;
    const wideKm = (CITY.east - CITY.west) * kmPerDegree * Math.cos((3.64 * Math.PI) / 180);
    const tallKm = (CITY.north - CITY.south) * kmPerDegree;
    // 0.16 x 0.32 degrees: about half as wide as tall, but at least 200 units wide.
    expect(p.height).toBe(320);
    expect(p.width).toBe(Math.max(200, Math.round((320 * wideKm) / tallKm)));
    const square = projectionFor({ south: -0.5, west: 10, north: 0.5, east: 11 });
    expect(square.width).toBe(320);
  });
});

describe('projectionFor with tiles (Web Mercator)', () => {
  const p = projectionFor(CITY, { maxZoom: 18 });

  it('takes the highest zoom at which the city fits 1280x480', () => {
    expect(p.kind).toBe('mercator');
    expect(p.width).toBeLessThanOrEqual(1280);
    expect(p.height).toBeLessThanOrEqual(480);
    const closer = projectionFor(CITY, { maxZoom: p.zoom! + 1 });
    expect(closer.zoom).toBe(p.zoom);
    expect(p.zoom).toBe(11);
    expect(projectionFor(CITY, { maxZoom: 9 }).zoom).toBe(9);
  });

  it('puts a place on the pixel of its OSM tile (the slippy-map formula)', () => {
    const [lat, lon, z] = [3.6, 98.67, p.zoom!];
    const n = 2 ** z;
    const tileX = ((lon + 180) / 360) * n;
    const rad = (lat * Math.PI) / 180;
    const tileY = ((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n;
    expect(p.left + p.x(lon)).toBeCloseTo(tileX * 256, 6);
    expect(p.top + p.y(lat)).toBeCloseTo(tileY * 256, 6);
  });

  it('lists the tiles that cover the view, placed where the dots are', () => {
    const tiles = tilesFor(p, 'https://tile.example.org/{z}/{x}/{y}.png');
    expect(tiles.length).toBeGreaterThan(0);
    for (const t of tiles) {
      expect(t.href).toMatch(/^https:\/\/tile\.example\.org\/11\/\d+\/\d+\.png$/);
      // Each tile overlaps the view.
      expect(t.x < p.width && t.x + t.size > 0 && t.y < p.height && t.y + t.size > 0).toBe(true);
    }
    const covers = (x: number, y: number) =>
      tiles.some((t) => x >= t.x && x < t.x + t.size && y >= t.y && y < t.y + t.size);
    for (const [x, y] of [
      [0, 0],
      [p.width - 0.01, p.height - 0.01],
      [p.width / 2, p.height / 2],
    ] as const)
      expect(covers(x, y)).toBe(true);
    const [lat, lon] = [3.6, 98.67];
    const [x, y] = [p.x(lon), p.y(lat)];
    const under = tiles.find((t) => x >= t.x && x < t.x + t.size && y >= t.y && y < t.y + t.size)!;
    expect(under.href).toBe(
      `https://tile.example.org/11/${Math.floor(((lon + 180) / 360) * 2048)}/${Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * 2048)}.png`,
    );
    expect(tilesFor(projectionFor(CITY), 'https://tile.example.org/{z}/{x}/{y}.png')).toEqual([]);
  });
});

describe('clusterPoints', () => {
  it.each([
    {
      label: 'two dots 10 px apart merge, in the worse state',
      points: [point(100, 100, 'on_time'), point(108, 106, 'overdue')],
      clusters: [{ n: 2, state: 'overdue', x: 104, y: 103 }],
    },
    {
      label: 'two dots 30 px apart stay apart',
      points: [point(100, 100, 'on_time'), point(130, 100, 'close')],
      clusters: [
        { n: 1, state: 'close', x: 130, y: 100 },
        { n: 1, state: 'on_time', x: 100, y: 100 },
      ],
    },
    {
      label: 'a chain: the worst dot takes its neighbours first, the far end stays alone',
      points: [point(0, 0, 'on_time'), point(20, 0, 'overdue'), point(40, 0, 'paused'), point(60, 0, 'closed')],
      clusters: [
        { n: 3, state: 'overdue', x: 20, y: 0 },
        { n: 1, state: 'closed', x: 60, y: 0 },
      ],
    },
    {
      label: 'five on one spot make one cluster of five',
      points: ['on_time', 'on_time', 'close', 'paused', 'closed'].map((s, i) => point(50, 50, s as MapState, `p${i}`)),
      clusters: [{ n: 5, state: 'close', x: 50, y: 50 }],
    },
  ] as Array<{
    label: string;
    points: ReturnType<typeof point>[];
    clusters: Array<{ n: number; state: MapState; x: number; y: number }>;
  }>)('$label', ({ points, clusters }) => {
    const got = clusterPoints(points, 24);
    expect(got.map((c) => ({ n: c.points.length, state: c.state, x: c.x, y: c.y }))).toEqual(clusters);
    // Every point in exactly one cluster.
    expect(got.flatMap((c) => c.points).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...points].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('counts the states inside a cluster for its title', () => {
    const [c] = clusterPoints(
      ['on_time', 'on_time', 'overdue', 'closed'].map((s, i) => point(i, 0, s as MapState, `p${i}`)),
      24,
    );
    expect(c!.counts).toEqual({ on_time: 2, overdue: 1, closed: 1 });
    expect(countsText(c!.counts)).toBe('1 terlambat, 2 tepat waktu, 1 selesai');
  });

  it('clusters 1,000 dots quickly', () => {
    const many = Array.from({ length: 1000 }, (_, i) => point((i * 37) % 600, (i * 53) % 320, 'on_time', `p${i}`));
    const started = performance.now();
    const clusters = clusterPoints(many, 24);
    expect(performance.now() - started).toBeLessThan(500);
    expect(clusters.reduce((n, c) => n + c.points.length, 0)).toBe(1000);
  });
});

describe('zoomedBounds', () => {
  it('zooms around the points, keeping the view shape, 2x to 8x closer', () => {
    const points = [
      { latitude: 3.6, longitude: 98.66 },
      { latitude: 3.61, longitude: 98.67 },
    ];
    const z = zoomedBounds(points, CITY)!;
    for (const p of points) {
      expect(p.latitude).toBeGreaterThan(z.south);
      expect(p.latitude).toBeLessThan(z.north);
      expect(p.longitude).toBeGreaterThan(z.west);
      expect(p.longitude).toBeLessThan(z.east);
    }
    const ratio = (b: typeof CITY) => (b.north - b.south) / (b.east - b.west);
    expect(ratio(z)).toBeCloseTo(ratio(CITY), 9);
    const factor = (z.north - z.south) / (CITY.north - CITY.south);
    expect(factor).toBeGreaterThanOrEqual(1 / 8);
    expect(factor).toBeLessThanOrEqual(1 / 2);
  });

  it('gives up on points at one spot: zooming would not part them', () => {
    const same = [
      { latitude: 3.6, longitude: 98.67 },
      { latitude: 3.6, longitude: 98.67 },
    ];
    expect(zoomedBounds(same, CITY)).toBeNull();
  });
});

describe('outline drawing', () => {
  const square: Array<Array<Array<[number, number]>>> = [
    [
      [
        [98.6, 3.5],
        [98.7, 3.5],
        [98.7, 3.7],
        [98.6, 3.7],
        [98.6, 3.5],
      ],
    ],
  ];

  it('draws a ring as a closed path in the same projection as the dots', () => {
    const p = projectionFor(CITY);
    const d = polygonPath(square, p);
    expect(d.startsWith(`M${p.x(98.6).toFixed(1)},${p.y(3.5).toFixed(1)}L`)).toBe(true);
    expect(d.endsWith('Z')).toBe(true);
    expect(d.match(/[ML]/g)).toHaveLength(5);
  });

  it("puts a district's name at the centroid of its largest ring", () => {
    const [lon, lat] = labelPoint(square)!;
    expect(lon).toBeCloseTo(98.65, 9);
    expect(lat).toBeCloseTo(3.6, 9);
  });
});
