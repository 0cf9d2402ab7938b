// The reports page: figures over a period chosen in the URL (?from=&to=, city dates), as tables.
import { el } from './shared.js';

const BUCKETS = ['0-2', '3-7', '8-14', '15-30', '>30'];
const num = (n) => (n === null || n === undefined ? '\u2013' : n.toLocaleString('id-ID'));
const pct = (n) => (n === null ? '\u2013' : `${n.toLocaleString('id-ID')}%`);

function table(caption, headings, rows) {
  return el('div', { class: 'table-wrap' }, [
    el('table', {}, [
      el('caption', {}, [caption]),
      el('thead', {}, [
        el(
          'tr',
          {},
          headings.map((h) => el('th', { scope: 'col' }, [h])),
        ),
      ]),
      el(
        'tbody',
        {},
        rows.map(([head, ...cells]) =>
          el('tr', {}, [el('th', { scope: 'row' }, [head]), ...cells.map((c) => el('td', {}, [c]))]),
        ),
      ),
    ]),
  ]);
}

const FIGURE_HEADINGS = ['Diajukan', 'Ditutup', 'Terlambat', 'Kepatuhan SLA', 'Median jam selesai', 'Terbuka'];
const figureCells = (f) => [
  num(f.filed),
  num(f.closed),
  num(f.overdue),
  pct(f.compliancePercent),
  num(f.medianHoursToClose),
  num(f.open),
];

function draw(r) {
  const period = `${r.from} s.d. ${r.to} (${r.timeZoneLabel})`;
  document.getElementById('report').replaceChildren(
    el('section', { 'aria-labelledby': 'h-total' }, [
      el('h2', { id: 'h-total' }, [`Ringkasan ${period}`]),
      table('Seluruh kasus yang Anda lihat', ['', ...FIGURE_HEADINGS], [['Total', ...figureCells(r.totals)]]),
    ]),
    el('section', { 'aria-labelledby': 'h-dept' }, [
      el('h2', { id: 'h-dept' }, ['Per dinas']),
      table(
        `Per dinas, ${period}`,
        ['Dinas', ...FIGURE_HEADINGS],
        r.departments.map((d) => [`${d.name} (${d.code})`, ...figureCells(d)]),
      ),
    ]),
    el('section', { 'aria-labelledby': 'h-officer' }, [
      el('h2', { id: 'h-officer' }, ['Per petugas']),
      r.officers.length === 0
        ? el('p', {}, ['Belum ada kasus yang dipegang petugas.'])
        : table(
            `Per petugas (pemegang kasus), ${period}`,
            ['Petugas', 'Ditutup', 'Terlambat', 'Kepatuhan SLA', 'Median jam selesai', 'Dipegang terbuka'],
            r.officers.map((o) => [
              o.name,
              num(o.closed),
              num(o.overdue),
              pct(o.compliancePercent),
              num(o.medianHoursToClose),
              num(o.open),
            ]),
          ),
    ]),
    el('section', { 'aria-labelledby': 'h-ageing' }, [
      el('h2', { id: 'h-ageing' }, ['Umur kasus terbuka (sekarang)']),
      table(
        'Kasus terbuka menurut umur sejak diajukan, dalam hari',
        ['', ...BUCKETS.map((b) => `${b} hari`)],
        [
          ['Total', ...BUCKETS.map((b) => num(r.totals.ageing[b]))],
          ...r.departments.map((d) => [d.code, ...BUCKETS.map((b) => num(d.ageing[b]))]),
        ],
      ),
    ]),
    el('p', { class: 'note' }, [
      'Terlambat: ditutup sesudah batas waktu, atau masih terbuka lewat batas waktu. Kepatuhan SLA: ditutup tepat waktu dibagi semua yang ditutup. Median jam selesai tanpa kasus ditolak dan bukan kewenangan.',
    ]),
  );
}

async function load() {
  const params = new URLSearchParams(location.search);
  const message = document.getElementById('message');
  const query = new URLSearchParams();
  for (const name of ['from', 'to']) if (params.get(name)) query.set(name, params.get(name));
  const res = await fetch(`/api/reports?${query}`, { credentials: 'same-origin' });
  if (res.status === 401) {
    message.replaceChildren('Silakan masuk dulu di ', el('a', { href: '/board' }, ['papan']), '.');
    return;
  }
  const body = await res.json();
  if (!res.ok) {
    message.textContent = body.message ?? 'Gagal memuat laporan.';
    return;
  }
  message.textContent = '';
  document.getElementById('from').value = body.from;
  document.getElementById('to').value = body.to;
  draw(body);
}

load().catch(() => {
  document.getElementById('message').textContent = 'Gagal memuat laporan.';
});
