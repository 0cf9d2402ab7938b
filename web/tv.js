// The TV wall: the city's figures, the overdue cases with who holds them, and a bar per
// department, on one screen without scrolling. What does not fit is split into pages that turn
// every ?rotate= seconds (15 by default). No personal data: the server sends none.
// No sign-in; with TV_WALL_TOKEN set on the server, the page's URL carries ?token=...
import {
  CLOCK_LABELS,
  drawTiles,
  el,
  formatDuration,
  listenForChanges,
  serialized,
  serverNow,
  setCityTime,
  syncServerTime,
  tickClocks,
} from './shared.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const token = params.get('token');
const lang = params.get('lang');
const query = new URLSearchParams({ ...(token ? { token } : {}), ...(lang ? { lang } : {}) }).toString();
const rotateSeconds = Math.max(2, Number(params.get('rotate')) || 15);

/** The bars' order, most urgent first, as on the board. */
const STATES = ['overdue', 'close', 'on_time', 'paused'];
const number = new Intl.NumberFormat('id-ID');

/** The last answer of /api/board/tv and when it was the server's now. */
let board = null;
let boardAt = 0;
let deadlineFormat = null;

/**
 * A list split into pages of as many rows as its box holds, one page shown. `drawRow` makes
 * one row; the page index survives a refresh while it is still a page.
 */
function pager(box, list, pageLabel, drawRow, drawEmpty) {
  let items = [];
  let perPage = 1;
  let page = 0;

  const pages = () => Math.max(1, Math.ceil(items.length / perPage));
  const show = () => {
    const start = page * perPage;
    const rows = items.slice(start, start + perPage).map(drawRow);
    list.replaceChildren(...(rows.length > 0 ? rows : [drawEmpty()]));
    const n = pages();
    pageLabel.textContent = n > 1 ? `Halaman ${page + 1}/${n}` : '';
    Object.assign(pageLabel.dataset, { page: String(page + 1), pages: String(n), perPage: String(perPage) });
  };
  // One sample row tells how tall a row is; the box's height left under any header tells how many fit.
  const measure = () => {
    if (items.length === 0) return;
    list.replaceChildren(drawRow(items[0]));
    const row = list.lastElementChild.getBoundingClientRect();
    const room = box.getBoundingClientRect().bottom - row.top;
    perPage = Math.max(1, Math.floor(room / Math.max(1, row.height)));
  };
  return {
    set(next) {
      items = next;
      measure();
      if (page >= pages()) page = 0;
      show();
    },
    relayout() {
      measure();
      if (page >= pages()) page = 0;
      show();
    },
    turn() {
      if (pages() < 2) return;
      page = (page + 1) % pages();
      show();
    },
  };
}

/** "2 Des 14.00": a deadline in the city's time (the column's header names the zone). */
function deadlineText(iso) {
  const part = Object.fromEntries(deadlineFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${part.day} ${part.month} ${part.hour}.${part.minute}`;
}

/** How long past its deadline now: the server's figure moved on by the time since it was read. */
const overText = (c) => formatDuration(c.msOver + Math.max(0, serverNow() - boardAt));

function overdueRow(c) {
  return el('tr', { 'data-tracking': c.trackingNumber, 'data-ms-over': c.msOver }, [
    el('td', { class: 'c-tn' }, [c.trackingNumber]),
    el('td', { class: 'c-title', title: c.title }, [c.title]),
    el('td', { class: 'c-dept', title: c.departmentName }, [c.departmentCode]),
    c.holder ? el('td', { class: 'c-holder' }, [c.holder]) : el('td', { class: 'c-holder nobody' }, ['Belum dipegang']),
    el('td', { class: 'c-over' }, [overText(c)]),
    el('td', { class: 'c-deadline', title: c.clockLabel ?? '' }, [deadlineText(c.deadlineAt)]),
  ]);
}

/** A department's bar: one segment per clock state, its length the state's share of the busiest department. */
function departmentRow(d) {
  const widest = Math.max(1, ...board.departments.map((x) => x.open));
  const segments = STATES.map((state) => {
    const seg = el('span', { class: `seg seg-${state}` });
    seg.style.setProperty('--share', `${(d[state] / widest) * 100}%`);
    return seg;
  });
  const figure = (state) =>
    el(
      'span',
      {
        class: `fig fig-${state}${d[state] === 0 ? ' fig-zero' : ''}`,
        'data-state': state,
        'aria-label': `${CLOCK_LABELS[state].label} ${d[state]}`,
      },
      [number.format(d[state])],
    );
  return el('li', { class: 'dept', 'data-department': d.code }, [
    el('span', { class: 'dept-name', title: d.name }, [
      el('span', { class: 'dept-code' }, [d.code]),
      ' ',
      el('span', { class: 'dept-long' }, [d.name]),
    ]),
    el('span', { class: 'bar', 'aria-hidden': 'true' }, segments),
    ...STATES.map(figure),
    el('span', { class: 'fig fig-open', 'data-state': 'open', 'aria-label': `Terbuka ${d.open}` }, [
      number.format(d.open),
    ]),
  ]);
}

const overduePages = pager(
  $('overdue-box'),
  document.querySelector('#overdue tbody'),
  $('overdue-page'),
  overdueRow,
  () => el('tr', { class: 'empty' }, [el('td', { colspan: 6 }, ['Tidak ada kasus terlambat.'])]),
);
const departmentPages = pager($('departments-box'), $('departments'), $('departments-page'), departmentRow, () =>
  el('li', { class: 'dept empty' }, ['Tidak ada dinas.']),
);

function draw() {
  $('city').textContent = board.city;
  $('deadline-zone').textContent = board.timeZoneLabel;
  setCityTime(board.timeZone, board.timeZoneLabel);
  drawTiles($('tiles'), board.totals);
  const shown = board.overdue.length;
  $('overdue-note').textContent =
    board.totals.overdue > shown
      ? `${number.format(shown)} terlama dari ${number.format(board.totals.overdue)}`
      : `${number.format(shown)} kasus`;
  overduePages.set(board.overdue);
  departmentPages.set(board.departments);
  tickClocks();
}

const refresh = serialized(async () => {
  const res = await fetch(`/api/board/tv${query ? `?${query}` : ''}`);
  if (res.status !== 200) {
    $('message').textContent = res.status === 403 ? 'Token layar salah.' : `Gagal memuat (${res.status}).`;
    return;
  }
  board = await res.json();
  boardAt = Date.parse(board.now);
  $('message').textContent = '';
  syncServerTime(board.now);
  deadlineFormat = new Intl.DateTimeFormat('id-ID', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: board.timeZone,
  });
  const first = !document.body.dataset.loaded;
  draw();
  // When the wall first showed its figures, for whoever measures the page (navigation start = 0).
  if (first) {
    window.performance.mark('tv-first-render');
    // Pages turn from the first drawing on, so page 1 shows its full time.
    setInterval(() => {
      overduePages.turn();
      departmentPages.turn();
    }, rotateSeconds * 1000);
  }
  document.body.dataset.loaded = String(Date.now());
});

/** Moves the header clock and each shown "time over" on, once a second. */
function tick() {
  tickClocks();
  if (!board) return;
  const byNumber = new Map(board.overdue.map((c) => [c.trackingNumber, c]));
  for (const row of document.querySelectorAll('#overdue tr[data-tracking]')) {
    const c = byNumber.get(row.dataset.tracking);
    if (c) row.querySelector('.c-over').textContent = overText(c);
  }
}

// The stream needs a token parameter to be taken for the TV wall, even an empty one.
listenForChanges(`/api/events?token=${encodeURIComponent(token ?? '')}`, refresh, $('live'));
setInterval(tick, 1000);
setInterval(() => refresh().catch(() => undefined), 60_000);
window.addEventListener('resize', () => {
  if (!board) return;
  overduePages.relayout();
  departmentPages.relayout();
});
