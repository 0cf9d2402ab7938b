// The officers' board: sign-in by one-time code, then every open case the officer may see,
// live. Redrawn on each change event from the server; clocks tick every second in between.
import {
  CLOCK_LABELS,
  drawDepartments,
  drawTiles,
  el,
  formatDuration,
  listenForChanges,
  serialized,
  setCityTime,
  svg,
  syncServerTime,
  tickClocks,
} from './shared.js';

const $ = (id) => document.getElementById(id);
let source = null;

async function api(path, options = {}) {
  const res = await fetch(path, {
    credentials: 'same-origin',
    headers: options.body ? { 'Content-Type': 'application/json' } : {},
    ...options,
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, body };
}

function showLogin(message = '') {
  source?.close();
  source = null;
  $('board').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login').hidden = false;
  $('login-message').textContent = message;
  $('handle').focus();
}

async function showBoard(me) {
  $('login').hidden = true;
  $('board').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `${me.name} (${me.role}${me.departmentCode ? `, ${me.departmentCode}` : ''})`;
  document.body.dataset.signedIn = 'true';
  source?.close();
  source = listenForChanges('/api/events', refresh, $('live'));
}

const refresh = serialized(async () => {
  const [cases, stats] = await Promise.all([api('/api/cases'), api('/api/stats')]);
  if (cases.status === 401 || stats.status === 401) return showLogin('Sesi berakhir. Silakan masuk lagi.');
  if (cases.status !== 200 || stats.status !== 200) return;
  syncServerTime(cases.body.now);
  $('city').textContent = stats.body.city;
  setCityTime(stats.body.timeZone, stats.body.timeZoneLabel);
  const open = cases.body.cases;
  drawTiles($('tiles'), stats.body.totals);
  drawOverdue(open.filter((c) => c.clock.state === 'overdue'));
  drawDepartments($('departments'), open);
  drawFigures(stats.body.departments);
  drawPerDay($('per-day'), stats.body.perDay);
  drawMap($('map'), stats.body.map);
  tickClocks();
  document.body.dataset.loaded = String(Date.now());
});

function drawOverdue(overdue) {
  const list = $('overdue-list');
  list.replaceChildren(
    ...(overdue.length > 0
      ? overdue.map((c) =>
          el('li', { class: 'clock-overdue', 'data-overdue': c.trackingNumber }, [
            el('strong', {}, [c.trackingNumber]),
            ` ${c.title} \u00B7 ${c.departmentCode} \u00B7 ${c.clockLabel ? `${c.clockLabel} \u00B7 ` : ''}lewat ${formatDuration(c.clock.msLeft)} \u00B7 `,
            c.holder ? c.holder.name : 'belum dipegang',
          ]),
        )
      : [el('li', { class: 'empty' }, ['Tidak ada yang terlambat.'])]),
  );
}

/** One row per department: its name with its code, open cases by clock, and how it finishes. */
function drawFigures(departments) {
  const hours = (h) => (h === null ? '-' : h >= 48 ? `${Math.round(h / 24)} hari` : `${Math.round(h)} jam`);
  const count = (d, key) =>
    el('td', { 'data-figure': key, class: key === 'overdue' && d.overdue > 0 ? 'clock-overdue-text' : null }, [
      String(d[key]),
    ]);
  $('figures')
    .querySelector('tbody')
    .replaceChildren(
      ...departments.map((d) =>
        el('tr', { 'data-department': d.code }, [
          el('th', { scope: 'row' }, [
            el('span', { class: 'dept-name' }, [d.name]),
            ' ',
            el('span', { class: 'dept-code' }, [`(${d.code})`]),
          ]),
          ...['open', 'on_time', 'close', 'overdue', 'paused'].map((key) => count(d, key)),
          el('td', { 'data-figure': 'median' }, [hours(d.medianHoursToFinish), d.done > 0 ? ` (${d.done})` : '']),
          el('td', { 'data-figure': 'satisfaction' }, [
            d.satisfaction === null ? '-' : `${d.satisfaction.toFixed(1)} / 5 (${d.ratings})`,
          ]),
        ]),
      ),
    );
}

/** Stacked bars per day: permits below, complaints above. */
function drawPerDay(container, perDay) {
  const width = 640;
  const height = 240;
  const pad = { left: 36, right: 8, top: 16, bottom: 32 };
  const max = Math.max(1, ...perDay.map((d) => d.permits + d.complaints));
  const slot = (width - pad.left - pad.right) / Math.max(1, perDay.length);
  const y = (n) => pad.top + (height - pad.top - pad.bottom) * (1 - n / max);
  const bars = perDay.flatMap((d, i) => {
    const x = pad.left + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const label = `${d.date}: ${d.permits} izin, ${d.complaints} pengaduan`;
    return [
      svg('rect', { x, y: y(d.permits), width: w, height: y(0) - y(d.permits), class: 'bar-permit' }, [
        svg('title', {}, [document.createTextNode(label)]),
      ]),
      svg(
        'rect',
        {
          x,
          y: y(d.permits + d.complaints),
          width: w,
          height: y(d.permits) - y(d.permits + d.complaints),
          class: 'bar-complaint',
        },
        [svg('title', {}, [document.createTextNode(label)])],
      ),
      // Every other day is labelled, counting back from today, so today always is.
      (perDay.length - 1 - i) % 2 === 0
        ? svg('text', { x: x + w / 2, y: height - 10, class: 'axis-label', 'text-anchor': 'middle' }, [
            document.createTextNode(`${d.date.slice(8, 10)}/${d.date.slice(5, 7)}`),
          ])
        : null,
    ];
  });
  container.replaceChildren(
    svg(
      'svg',
      { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Kasus masuk per hari', class: 'per-day' },
      [
        svg('line', { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), class: 'axis' }),
        svg('text', { x: pad.left - 6, y: y(max) + 5, class: 'axis-label', 'text-anchor': 'end' }, [
          document.createTextNode(String(max)),
        ]),
        svg('text', { x: pad.left - 6, y: y(0), class: 'axis-label', 'text-anchor': 'end' }, [
          document.createTextNode('0'),
        ]),
        ...bars,
      ],
    ),
    el('p', { class: 'legend' }, [
      el('span', { class: 'key key-permit' }),
      ' Izin ',
      el('span', { class: 'key key-complaint' }),
      ' Pengaduan',
    ]),
  );
}

/** Complaints as dots on the city's bounding box, coloured and shaped by their clock. */
function drawMap(container, map) {
  if (!map.bounds || map.points.length === 0) {
    container.replaceChildren(el('p', { class: 'empty' }, ['Belum ada pengaduan berkoordinat.']));
    return;
  }
  const { south, west, north, east } = map.bounds;
  // Equirectangular: a degree of longitude is shorter by cos(latitude).
  const aspect = ((east - west) * Math.cos((((south + north) / 2) * Math.PI) / 180)) / (north - south);
  const height = 320;
  const width = Math.round(Math.min(960, Math.max(200, height * aspect)));
  const x = (lon) => ((lon - west) / (east - west)) * width;
  const y = (lat) => ((north - lat) / (north - south)) * height;
  const grid = [1, 2, 3].flatMap((i) => [
    svg('line', { x1: (width * i) / 4, y1: 0, x2: (width * i) / 4, y2: height, class: 'grid' }),
    svg('line', { x1: 0, y1: (height * i) / 4, x2: width, y2: (height * i) / 4, class: 'grid' }),
  ]);
  const inside = map.points.filter(
    (p) => p.latitude >= south && p.latitude <= north && p.longitude >= west && p.longitude <= east,
  );
  const dots = inside.map((p) => {
    const title = svg('title', {}, [
      document.createTextNode(
        `${p.trackingNumber} ${p.title} (${p.state === 'closed' ? 'selesai' : CLOCK_LABELS[p.state].label})`,
      ),
    ]);
    const cx = x(p.longitude);
    const cy = y(p.latitude);
    const attrs = { class: `dot dot-${p.state}`, 'data-tracking': p.trackingNumber };
    if (p.state === 'overdue') return svg('rect', { ...attrs, x: cx - 6, y: cy - 6, width: 12, height: 12 }, [title]);
    if (p.state === 'close')
      return svg('path', { ...attrs, d: `M${cx},${cy - 7} L${cx + 7},${cy + 6} L${cx - 7},${cy + 6} Z` }, [title]);
    return svg('circle', { ...attrs, cx, cy, r: 6 }, [title]);
  });
  const outside = map.points.length - inside.length;
  container.replaceChildren(
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Peta pengaduan', class: 'map' }, [
      svg('rect', { x: 0, y: 0, width, height, class: 'map-frame' }),
      ...grid,
      ...dots,
    ]),
    el('p', { class: 'legend' }, [
      `${inside.length} titik`,
      outside > 0 ? `, ${outside} di luar batas kota` : '',
      ` \u00B7 lintang ${south.toFixed(2)} s/d ${north.toFixed(2)}, bujur ${west.toFixed(2)} s/d ${east.toFixed(2)}`,
    ]),
  );
}

let handle = '';

$('request-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  handle = $('handle').value.trim();
  const { status, body } = await api('/api/login/request', { method: 'POST', body: JSON.stringify({ handle }) });
  $('login-message').textContent = body?.message ?? `Gagal (${status}).`;
  if (status === 202) {
    $('verify-form').hidden = false;
    $('code').focus();
  }
});

$('verify-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const code = $('code').value.trim();
  const { status, body } = await api('/api/login/verify', { method: 'POST', body: JSON.stringify({ handle, code }) });
  if (status !== 200) {
    $('login-message').textContent = body?.message ?? `Gagal (${status}).`;
    $('code').select();
    return;
  }
  $('code').value = '';
  $('verify-form').hidden = true;
  await showBoard(body);
});

$('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' });
  showLogin('Anda sudah keluar.');
});

setInterval(() => tickClocks(), 1000);
// A safety net for a change the event stream might have missed.
setInterval(() => {
  if (source) refresh().catch(() => undefined);
}, 60_000);

const me = await api('/api/me');
if (me.status === 200) await showBoard(me.body);
else showLogin();
