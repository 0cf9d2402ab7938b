// The officers' board: sign-in by one-time code, then every open case the officer may see,
// live. Redrawn on each change event from the server; clocks tick every second in between.
import { createCaseList, drawOverdue } from './caseList.js';
import {
  announce,
  cityClock,
  drawTiles,
  el,
  listenForChanges,
  serialized,
  setCityTime,
  svg,
  syncServerTime,
  tickClocks,
} from './shared.js';
import { drawMap } from './boardMap.js';

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

/** The header's signed-in parts: the live badge, the city clock, the name and Keluar. */
function showSignedIn(signedIn) {
  for (const id of ['live', 'now', 'logout']) $(id).hidden = !signedIn;
}

/** Sign-in, one step at a time: the handle first; the code field once a code was asked for. */
function showStep(step) {
  $('request-form').hidden = step !== 'handle';
  $('verify-form').hidden = step !== 'code';
  (step === 'code' ? $('code') : $('handle')).focus();
}

function showLogin(message = '') {
  source?.close();
  source = null;
  $('board').hidden = true;
  showSignedIn(false);
  $('who').textContent = '';
  delete document.body.dataset.signedIn;
  $('login').hidden = false;
  $('login-message').textContent = message;
  showStep('handle');
}

async function showBoard(me) {
  $('login').hidden = true;
  $('board').hidden = false;
  showSignedIn(true);
  // The role in words ("Petugas"), as the server gives it in the viewer's language.
  $('who').textContent = `${me.name} (${me.roleLabel ?? me.role}${me.departmentCode ? `, ${me.departmentCode}` : ''})`;
  document.body.dataset.signedIn = 'true';
  source?.close();
  source = listenForChanges('/api/events', refresh, $('live'));
}

const refresh = serialized(async () => {
  // The list loads alongside the rest: its first cards need neither the figures nor the overdue panel.
  const [overdue, stats] = await Promise.all([
    api('/api/cases?clock=overdue&limit=20'),
    api('/api/stats'),
    caseList.refresh(),
  ]);
  if (overdue.status === 401 || stats.status === 401) return showLogin('Sesi berakhir. Silakan masuk lagi.');
  if (overdue.status !== 200 || stats.status !== 200) return;
  syncServerTime(overdue.body.now);
  $('city').textContent = stats.body.city;
  setCityTime(stats.body.timeZone, stats.body.timeZoneLabel);
  drawTiles($('tiles'), stats.body.totals);
  drawOverdue($('overdue-list'), overdue.body);
  caseList.setDepartments(stats.body.departments);
  drawFigures(stats.body.departments);
  drawPerDay($('per-day'), stats.body.perDay);
  drawMap($('map'), stats.body.map);
  tickClocks();
  announceUpdate(stats.body.departments);
  document.body.dataset.loaded = String(Date.now());
});

/** "Diperbarui 14.05 WITA: 12 kasus terbuka, 3 terlambat.", read out when it changes. */
function announceUpdate(departments) {
  const open = departments.reduce((n, d) => n + d.open, 0);
  const overdue = departments.reduce((n, d) => n + d.overdue, 0);
  announce($('announce'), `Diperbarui ${cityClock()}: ${open} kasus terbuka, ${overdue} terlambat.`);
}

const caseList = createCaseList($('case-list'), api, {
  onUnauthorized: () => showLogin('Sesi berakhir. Silakan masuk lagi.'),
});

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

/**
 * Stacked bars per day: permits below, solid; complaints above, hatched, so the two differ in
 * pattern as well as colour (and the legend shows both). A summary in the image's label and a
 * table of every day, for screen readers, say the same in words.
 */
function drawPerDay(container, perDay) {
  const width = 640;
  const height = 240;
  const pad = { left: 36, right: 8, top: 16, bottom: 32 };
  const max = Math.max(1, ...perDay.map((d) => d.permits + d.complaints));
  const slot = (width - pad.left - pad.right) / Math.max(1, perDay.length);
  const y = (n) => pad.top + (height - pad.top - pad.bottom) * (1 - n / max);
  const dayLabel = (d) => `${d.date.slice(8, 10)}/${d.date.slice(5, 7)}`;
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
            document.createTextNode(dayLabel(d)),
          ])
        : null,
    ];
  });
  const permits = perDay.reduce((n, d) => n + d.permits, 0);
  const complaints = perDay.reduce((n, d) => n + d.complaints, 0);
  const summary =
    perDay.length > 0
      ? `Kasus masuk per hari, ${perDay.length} hari sampai ${dayLabel(perDay.at(-1))}: ${permits} izin dan ${complaints} pengaduan.`
      : 'Kasus masuk per hari: belum ada data.';
  // Diagonal hatching for complaints; its id is the only one in the page.
  const hatch = svg(
    'pattern',
    { id: 'hatch-complaint', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    [
      svg('rect', { width: 8, height: 8, class: 'hatch-ground' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 8, class: 'hatch-line' }),
    ],
  );
  container.replaceChildren(
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary, class: 'per-day' }, [
      svg('defs', {}, [hatch]),
      svg('line', { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), class: 'axis' }),
      svg('text', { x: pad.left - 6, y: y(max) + 5, class: 'axis-label', 'text-anchor': 'end' }, [
        document.createTextNode(String(max)),
      ]),
      svg('text', { x: pad.left - 6, y: y(0), class: 'axis-label', 'text-anchor': 'end' }, [
        document.createTextNode('0'),
      ]),
      ...bars,
    ]),
    el('p', { class: 'legend', 'aria-hidden': 'true' }, [
      el('span', { class: 'key key-permit' }),
      ` Izin (${permits}) `,
      el('span', { class: 'key key-complaint' }),
      ` Pengaduan, bergaris (${complaints})`,
    ]),
    // In a hidden box: a table keeps its own width whatever size it is given.
    el('div', { class: 'visually-hidden' }, [
      el('table', { 'data-per-day-table': '' }, [
        el('caption', {}, [summary]),
        el('thead', {}, [
          el('tr', {}, [
            el('th', { scope: 'col' }, ['Tanggal']),
            el('th', { scope: 'col' }, ['Izin']),
            el('th', { scope: 'col' }, ['Pengaduan']),
          ]),
        ]),
        el(
          'tbody',
          {},
          perDay.map((d) =>
            el('tr', {}, [
              el('th', { scope: 'row' }, [d.date]),
              el('td', {}, [String(d.permits)]),
              el('td', {}, [String(d.complaints)]),
            ]),
          ),
        ),
      ]),
    ]),
  );
}

let handle = '';

$('request-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  handle = $('handle').value.trim();
  const { status, body } = await api('/api/login/request', { method: 'POST', body: JSON.stringify({ handle }) });
  // 429: the hourly limit, with the time to try again; the handle step stays.
  $('login-message').textContent = body?.message ?? `Gagal (${status}).`;
  $('login-message').dataset.state = status === 202 ? 'sent' : 'refused';
  if (status === 202) {
    $('sent-to').textContent = `Untuk: ${handle}`;
    showStep('code');
  }
});

$('restart').addEventListener('click', () => {
  $('code').value = '';
  $('login-message').textContent = '';
  showStep('handle');
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
  $('login-message').textContent = '';
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
