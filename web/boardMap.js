// The board's complaint map: the city's outline and districts (or the city's map tiles) under
// the complaints, nearby complaints merged into counted clusters, a legend in words and shapes,
// and each complaint a link to its case page. The projection and the clustering are pure
// functions (tested in node); drawMap puts the result in the page.
import { CLOCK_LABELS, el, svg } from './shared.js';

/** Words and a mark per map state: the four clock states, and closed complaints. */
export const MAP_STATES = {
  ...CLOCK_LABELS,
  closed: { label: 'SELESAI', mark: '\u25CB' },
};

/** Worst first: a cluster takes the colour and shape of the worst state inside it. */
export const STATE_ORDER = ['overdue', 'close', 'on_time', 'paused', 'closed'];

/** Dots closer than this on screen merge into one cluster: a cluster's ring has a radius of at
 * most 25.5 px (15 x 1.7, see cluster()), so two clusters' rings do not overlap. */
export const CLUSTER_PX = 52;

const TILE_PX = 256;
const EQUIRECT_HEIGHT = 320;
/** The Mercator view is at most this big at the zoom chosen for it (tiles are drawn at 1-2x). */
const MERCATOR_MAX = { width: 1280, height: 480 };

/** The worst of some map states. */
export function worstState(states) {
  let worst = STATE_ORDER.length - 1;
  for (const s of states) worst = Math.min(worst, STATE_ORDER.indexOf(s));
  return STATE_ORDER[worst];
}

const mercatorX = (lon, zoom) => ((lon + 180) / 360) * TILE_PX * 2 ** zoom;
const mercatorY = (lat, zoom) => {
  const phi = (lat * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * TILE_PX * 2 ** zoom;
};

/**
 * How `bounds` ({south, west, north, east}, degrees) is drawn: width and height of the view and
 * x(lon), y(lat) into it. With tiles: Web Mercator at the highest whole zoom (up to `maxZoom`)
 * at which the bounds fit MERCATOR_MAX, so tiles and dots line up. Without: equirectangular,
 * `EQUIRECT_HEIGHT` high, a degree of longitude shorter by cos(latitude).
 * @returns {{ kind: 'mercator' | 'equirectangular', width: number, height: number, zoom: number | null,
 *   x: (lon: number) => number, y: (lat: number) => number, left: number, top: number }}
 */
export function projectionFor(bounds, tiles = null) {
  const { south, west, north, east } = bounds;
  if (tiles) {
    let zoom = 0;
    for (let z = tiles.maxZoom ?? 18; z >= 0; z--) {
      const w = mercatorX(east, z) - mercatorX(west, z);
      const h = mercatorY(south, z) - mercatorY(north, z);
      if (w <= MERCATOR_MAX.width && h <= MERCATOR_MAX.height) {
        zoom = z;
        break;
      }
    }
    const left = mercatorX(west, zoom);
    const top = mercatorY(north, zoom);
    return {
      kind: 'mercator',
      zoom,
      left,
      top,
      width: mercatorX(east, zoom) - left,
      height: mercatorY(south, zoom) - top,
      x: (lon) => mercatorX(lon, zoom) - left,
      y: (lat) => mercatorY(lat, zoom) - top,
    };
  }
  const aspect = ((east - west) * Math.cos((((south + north) / 2) * Math.PI) / 180)) / (north - south);
  const height = EQUIRECT_HEIGHT;
  const width = Math.round(Math.min(960, Math.max(200, height * aspect)));
  return {
    kind: 'equirectangular',
    zoom: null,
    left: 0,
    top: 0,
    width,
    height,
    x: (lon) => ((lon - west) / (east - west)) * width,
    y: (lat) => ((north - lat) / (north - south)) * height,
  };
}

/**
 * The tiles covering a Mercator projection's view, each placed in the view's coordinates.
 * @returns {Array<{ href: string, x: number, y: number, size: number }>}
 */
export function tilesFor(projection, template) {
  if (projection.kind !== 'mercator') return [];
  const z = projection.zoom;
  const count = 2 ** z;
  const tiles = [];
  const [x0, x1] = [Math.floor(projection.left / TILE_PX), Math.floor((projection.left + projection.width) / TILE_PX)];
  const [y0, y1] = [Math.floor(projection.top / TILE_PX), Math.floor((projection.top + projection.height) / TILE_PX)];
  for (let ty = Math.max(0, y0); ty <= Math.min(count - 1, y1); ty++) {
    for (let tx = x0; tx <= x1; tx++) {
      const wrapped = ((tx % count) + count) % count;
      tiles.push({
        href: template.replaceAll('{z}', String(z)).replaceAll('{x}', String(wrapped)).replaceAll('{y}', String(ty)),
        x: tx * TILE_PX - projection.left,
        y: ty * TILE_PX - projection.top,
        size: TILE_PX,
      });
    }
  }
  return tiles;
}

/**
 * Greedy clustering of projected points ({x, y, state, ...}): each point not yet taken, worst
 * state first, takes every free point within `radius`; a cluster sits at its points' mean.
 * One point stays a point.
 * @returns {Array<{ x: number, y: number, state: string, points: object[], counts: Record<string, number> }>}
 */
export function clusterPoints(points, radius) {
  const order = [...points].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state));
  const taken = new Set();
  const clusters = [];
  const r2 = radius * radius;
  for (const seed of order) {
    if (taken.has(seed)) continue;
    const members = order.filter((p) => !taken.has(p) && (p.x - seed.x) ** 2 + (p.y - seed.y) ** 2 < r2);
    for (const p of members) taken.add(p);
    const counts = {};
    for (const p of members) counts[p.state] = (counts[p.state] ?? 0) + 1;
    clusters.push({
      x: members.reduce((s, p) => s + p.x, 0) / members.length,
      y: members.reduce((s, p) => s + p.y, 0) / members.length,
      state: worstState(members.map((p) => p.state)),
      points: members,
      counts,
    });
  }
  return clusters;
}

/**
 * The view to zoom to for a cluster: around its points, the current view's shape, at least 2x
 * and at most 8x closer. Null when the points lie (nearly) on one spot: zooming would not part
 * them, so the board lists them instead.
 */
export function zoomedBounds(points, current) {
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  const [south, north, west, east] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  if (north - south < 1e-4 && east - west < 1e-4) return null;
  const latSpan = current.north - current.south;
  const lonSpan = current.east - current.west;
  const factor = Math.min(0.5, Math.max(1 / 8, ((north - south) * 1.5) / latSpan, ((east - west) * 1.5) / lonSpan));
  const [midLat, midLon] = [(south + north) / 2, (west + east) / 2];
  return {
    south: midLat - (latSpan * factor) / 2,
    north: midLat + (latSpan * factor) / 2,
    west: midLon - (lonSpan * factor) / 2,
    east: midLon + (lonSpan * factor) / 2,
  };
}

/** "3 terlambat, 1 tepat waktu": the counts per state, worst first. */
export function countsText(counts) {
  return STATE_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${MAP_STATES[s].label.toLowerCase()}`)
    .join(', ');
}

/** An SVG path of polygons (rings of [lon, lat]) in a projection. */
export function polygonPath(polygons, projection) {
  return polygons
    .flatMap((polygon) =>
      polygon.map(
        (ring) =>
          ring
            .map(
              ([lon, lat], i) =>
                `${i === 0 ? 'M' : 'L'}${projection.x(lon).toFixed(1)},${projection.y(lat).toFixed(1)}`,
            )
            .join('') + 'Z',
      ),
    )
    .join('');
}

/** Where a district's name goes: the centroid of its largest outer ring (shoelace formula). */
export function labelPoint(polygons) {
  let best = null;
  for (const [outer] of polygons) {
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < outer.length - 1; i++) {
      const [x0, y0] = outer[i];
      const [x1, y1] = outer[i + 1];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (area === 0) continue;
    const candidate = { area: Math.abs(area / 2), lon: cx / (3 * area), lat: cy / (3 * area) };
    if (!best || candidate.area > best.area) best = candidate;
  }
  return best ? [best.lon, best.lat] : null;
}

/** A state's shape at (cx, cy), `s` its half-size: colour is never the only sign. */
function symbol(state, cx, cy, s, attrs = {}) {
  const cls = `dot dot-${state}${attrs.class ? ` ${attrs.class}` : ''}`;
  const a = { ...attrs, class: cls };
  if (state === 'overdue') return svg('rect', { ...a, x: cx - s, y: cy - s, width: 2 * s, height: 2 * s });
  if (state === 'close')
    return svg('path', {
      ...a,
      d: `M${cx},${cy - s * 1.2} L${cx + s * 1.2},${cy + s} L${cx - s * 1.2},${cy + s} Z`,
    });
  if (state === 'paused')
    return svg('g', a, [
      svg('circle', { cx, cy, r: s }),
      svg('rect', { x: cx - s * 0.45, y: cy - s * 0.5, width: s * 0.3, height: s, class: 'pause-bar' }),
      svg('rect', { x: cx + s * 0.15, y: cy - s * 0.5, width: s * 0.3, height: s, class: 'pause-bar' }),
    ]);
  return svg('circle', { ...a, cx, cy, r: state === 'closed' ? s * 0.8 : s });
}

const text = (t) => document.createTextNode(t);
const pointText = (p) => `${p.trackingNumber} ${p.title} (${MAP_STATES[p.state].label})`;

/** Per map container: the data last drawn and the view the officer zoomed to. */
const views = new WeakMap();
/** The city's outline and districts, fetched once per page. */
const boundaries = new Map();

/**
 * Draws `map` (the `map` of /api/stats) into `container`, keeping the officer's zoom across
 * redraws. The city's boundary is fetched on first use and drawn when it arrives.
 */
export function drawMap(container, map) {
  const view = views.get(container) ?? { bounds: null, listed: null };
  if (!views.has(container) && globalThis.ResizeObserver) {
    // A wider or narrower panel changes what CLUSTER_PX is in map units: cluster again.
    let width = container.clientWidth;
    new globalThis.ResizeObserver(() => {
      if (container.clientWidth === width) return;
      width = container.clientWidth;
      render(container);
    }).observe(container);
  }
  views.set(container, { ...view, map });
  render(container);
  const url = map.base?.boundary;
  if (url && !boundaries.has(url)) {
    boundaries.set(url, null);
    fetch(url, { credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : null))
      .then((boundary) => {
        if (!boundary) return;
        boundaries.set(url, boundary);
        render(container);
      })
      .catch(() => boundaries.delete(url));
  }
}

function setView(container, change) {
  views.set(container, { ...views.get(container), ...change });
  render(container);
}

function render(container, again = true) {
  const { map, bounds: zoomed, listed, unit: measured } = views.get(container);
  if (!map.bounds) {
    container.replaceChildren(el('p', { class: 'empty' }, ['Belum ada pengaduan berkoordinat.']));
    return;
  }
  const bounds = zoomed ?? map.bounds;
  const tiles = map.base?.tiles ?? null;
  const projection = projectionFor(bounds, tiles);
  const { width, height } = projection;
  // View units per screen pixel, so dots and the cluster distance are the same size on any screen:
  // measured on the last drawing (the SVG keeps its shape inside the box CSS gives it).
  const unit = measured?.width === width && measured?.height === height ? measured.value : 1;
  const inside = map.points.filter(
    (p) =>
      p.latitude >= bounds.south &&
      p.latitude <= bounds.north &&
      p.longitude >= bounds.west &&
      p.longitude <= bounds.east,
  );
  const projected = inside.map((p) => ({ ...p, x: projection.x(p.longitude), y: projection.y(p.latitude) }));
  const clusters = clusterPoints(projected, CLUSTER_PX * unit);
  // Worse states are drawn last, on top.
  clusters.sort((a, b) => STATE_ORDER.indexOf(b.state) - STATE_ORDER.indexOf(a.state));
  const boundary = map.base?.boundary ? boundaries.get(map.base.boundary) : null;

  const counts = {};
  for (const p of inside) counts[p.state] = (counts[p.state] ?? 0) + 1;
  const outside = map.points.length - inside.length;
  const label = `Peta pengaduan: ${inside.length} titik${inside.length > 0 ? ` (${countsText(counts)})` : ''}${
    outside > 0 ? `, ${outside} di luar ${zoomed ? 'tampilan' : 'batas kota'}` : ''
  }`;

  // Two layers of one size: the picture (role="img": outline, districts, tiles, with the totals
  // in words) and above it the complaints, links and buttons a picture may not hold.
  const viewBox = `0 0 ${width} ${height}`;
  const drawing = svg('svg', { viewBox, role: 'img', 'aria-label': label, class: tiles ? 'map map-on-tiles' : 'map' }, [
    svg('rect', { x: 0, y: 0, width, height, class: 'map-frame' }),
    ...(tiles
      ? tilesFor(projection, tiles.url).map((t) =>
          svg('image', { href: t.href, x: t.x, y: t.y, width: t.size, height: t.size, class: 'map-tile' }),
        )
      : []),
    ...(boundary ? boundaryLayer(boundary, projection, unit) : []),
  ]);
  const marks = svg('svg', { viewBox, role: 'group', 'aria-label': 'Titik pengaduan', class: 'map-marks' }, [
    ...clusters.map((c) =>
      c.points.length === 1
        ? dot(c.points[0], c.x, c.y, unit)
        : cluster(c, unit, () => {
            const next = zoomedBounds(c.points, bounds);
            if (next) setView(container, { bounds: next, listed: null });
            else setView(container, { listed: c.points.map((p) => p.trackingNumber) });
          }),
    ),
  ]);
  const parts = [
    zoomed
      ? el('p', { class: 'map-zoomed' }, [
          button('Tampilkan seluruh kota', () => setView(container, { bounds: null, listed: null })),
        ])
      : null,
    el('div', { class: 'map-stack' }, [drawing, marks]),
    legend(counts),
    tiles ? el('p', { class: 'map-attribution' }, [tiles.attribution]) : null,
    listed ? listedCases(map.points.filter((p) => listed.includes(p.trackingNumber))) : null,
    el('p', { class: 'legend' }, [
      `${inside.length} titik`,
      outside > 0 ? `, ${outside} di luar ${zoomed ? 'tampilan' : 'batas kota'}` : '',
      ` \u00B7 lintang ${bounds.south.toFixed(3)} s/d ${bounds.north.toFixed(3)}, bujur ${bounds.west.toFixed(3)} s/d ${bounds.east.toFixed(3)}`,
    ]),
    boundary ? el('p', { class: 'map-source' }, [`Batas wilayah: ${boundary.source}`]) : null,
  ];
  container.replaceChildren(...parts.filter((part) => part !== null));
  const box = drawing.getBoundingClientRect();
  const scale = Math.min(box.width / width, box.height / height);
  if (scale > 0 && Math.abs(1 / scale - unit) > unit * 0.05) {
    views.set(container, { ...views.get(container), unit: { width, height, value: 1 / scale } });
    if (again) render(container, false);
  }
}

function button(label, onClick) {
  const b = el('button', { type: 'button', class: 'map-button' }, [label]);
  b.addEventListener('click', onClick);
  return b;
}

/** The outline, the districts and their names, under the dots. */
function boundaryLayer(boundary, projection, unit) {
  return [
    ...boundary.districts.map((d) =>
      svg('path', { d: polygonPath(d.polygons, projection), class: 'map-district', 'data-district': d.name }, [
        svg('title', {}, [text(`Kecamatan ${d.name}`)]),
      ]),
    ),
    svg('path', { d: polygonPath(boundary.outline, projection), class: 'map-outline' }),
    ...boundary.districts.map((d) => {
      const at = labelPoint(d.polygons);
      if (!at) return null;
      return svg(
        'text',
        {
          x: projection.x(at[0]),
          y: projection.y(at[1]),
          'text-anchor': 'middle',
          'font-size': 13 * unit,
          class: 'map-district-label',
        },
        [text(d.name)],
      );
    }),
  ];
}

/** One complaint: its shape, a link to its case page. */
function dot(p, x, y, unit) {
  return svg('a', { href: `/board/cases/${encodeURIComponent(p.trackingNumber)}`, 'data-tracking': p.trackingNumber }, [
    svg('title', {}, [text(pointText(p))]),
    symbol(p.state, x, y, 6 * unit),
  ]);
}

/** Several complaints: the worst one's shape, larger, ringed, with the count; a click zooms in or lists them. */
function cluster(c, unit, onActivate) {
  const n = c.points.length;
  const s = (n < 10 ? 11 : n < 100 ? 13 : 15) * unit;
  const g = svg(
    'g',
    {
      class: `cluster cluster-${c.state}`,
      'data-count': n,
      'data-state': c.state,
      role: 'button',
      tabindex: 0,
      'aria-label': `Kelompok ${n} pengaduan: ${countsText(c.counts)}`,
    },
    [
      svg('title', {}, [text(`${n} pengaduan: ${countsText(c.counts)}`)]),
      svg('circle', { cx: c.x, cy: c.y, r: s * 1.7, class: 'cluster-ring' }),
      symbol(c.state, c.x, c.y, s),
      svg(
        'text',
        {
          x: c.x,
          y: c.y + (c.state === 'close' ? s * 0.6 : s * 0.45),
          'text-anchor': 'middle',
          'font-size': s * 1.3,
          class: 'cluster-count',
        },
        [text(String(n))],
      ),
    ],
  );
  g.addEventListener('click', onActivate);
  g.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onActivate();
  });
  return g;
}

/** Shapes, colours and words of each state, with their counts, and the cluster sign. */
function legend(counts) {
  const key = (child) =>
    svg('svg', { viewBox: '-12 -12 24 24', width: 18, height: 18, 'aria-hidden': 'true' }, [child]);
  return el('ul', { class: 'map-legend', 'aria-label': 'Keterangan peta' }, [
    ...STATE_ORDER.map((s) =>
      el('li', { 'data-state': s }, [key(symbol(s, 0, 0, 7)), ` ${MAP_STATES[s].label} (${counts[s] ?? 0})`]),
    ),
    el('li', { 'data-state': 'cluster' }, [
      key(
        svg('g', {}, [
          svg('circle', { cx: 0, cy: 0, r: 11, class: 'cluster-ring' }),
          svg('circle', { cx: 0, cy: 0, r: 6, class: 'dot dot-on_time' }),
        ]),
      ),
      ' Kelompok: angka = jumlah pengaduan, bentuk = yang terburuk; klik untuk memperbesar',
    ]),
  ]);
}

/** The complaints of a cluster that zooming would not part, as links. */
function listedCases(points) {
  return el('div', { class: 'map-cluster-cases' }, [
    el('p', {}, [`${points.length} pengaduan di titik ini:`]),
    el(
      'ul',
      {},
      points.map((p) =>
        el('li', {}, [el('a', { href: `/board/cases/${encodeURIComponent(p.trackingNumber)}` }, [pointText(p)])]),
      ),
    ),
  ]);
}
