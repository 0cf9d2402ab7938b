// The case page: one case with its holder, clocks (absolute deadlines in city time), timeline,
// place and photos. Everything is put in the page as text.
import { el, formatDuration } from './shared.js';

const CLOCK_WORDS = { on_time: 'tepat waktu', close: 'hampir habis', overdue: 'terlambat', paused: 'ditunda' };
const ACTOR_WORDS = { citizen: 'Warga', officer: 'Petugas', system: 'Sistem' };
const KIND_WORDS = { permit: 'Perizinan', complaint: 'Pengaduan' };

const time = (instant) => el('time', { datetime: instant.at }, [instant.text]);

function clockLine(c) {
  const parts = [el('strong', {}, [c.label]), ': batas ', time(c.deadlineAt), ' \u2014 '];
  const s = c.slaClock;
  if (c.state === 'running') {
    parts.push(
      el('span', { class: `state-${s.state}` }, [
        s.msLeft <= 0
          ? `berjalan, lewat ${formatDuration(s.msLeft)}`
          : `berjalan, sisa ${formatDuration(s.msLeft)} (${CLOCK_WORDS[s.state]})`,
      ]),
    );
  } else if (c.state === 'paused') {
    parts.push(el('span', {}, [`ditunda, sisa ${formatDuration(s.msLeft)}`]));
  } else {
    const late = s.msLeft <= 0;
    parts.push(
      el('span', { class: late ? 'state-overdue' : 'state-on_time' }, [
        late ? 'berhenti, terlambat ' : 'berhenti, tepat waktu ',
      ]),
      c.stoppedAt ? time(c.stoppedAt) : '',
    );
  }
  return el('li', { 'data-clock': c.clock, 'data-state': c.state }, parts);
}

function timelineItem(e) {
  const who = e.actor.name ? `${ACTOR_WORDS[e.actor.type]} ${e.actor.name}` : ACTOR_WORDS[e.actor.type];
  const what =
    e.fromStatus === null || e.fromStatus === e.toStatus
      ? e.fromStatus === null
        ? `Diajukan (${e.toStatusLabel})`
        : `Tambahan informasi (${e.toStatusLabel})`
      : `${e.fromStatusLabel} \u2192 ${e.toStatusLabel}`;
  return el('li', {}, [
    time(e.at),
    ` \u00B7 ${who} \u00B7 `,
    el('span', { class: 'what' }, [what]),
    e.departmentCode ? ` (ke ${e.departmentCode})` : null,
    e.note ? el('span', { class: 'note' }, [e.note]) : null,
  ]);
}

function fact(term, value) {
  return value === null || value === undefined || value === '' ? [] : [el('dt', {}, [term]), el('dd', {}, [value])];
}

function draw(c, zoneLabel) {
  document.title = `${c.trackingNumber} ${c.title} - LayanKota`;
  document.getElementById('title').textContent = `${KIND_WORDS[c.kind]} ${c.trackingNumber}: ${c.title}`;
  const coordinates = c.latitude !== null && c.longitude !== null ? `${c.latitude}, ${c.longitude}` : null;
  const root = document.getElementById('case');
  root.replaceChildren(
    el('section', { 'aria-labelledby': 'h-facts' }, [
      el('h2', { id: 'h-facts' }, ['Ringkasan']),
      el('dl', { class: 'facts' }, [
        ...fact('Status', c.statusLabel),
        ...fact('Dinas', `${c.departmentName} (${c.departmentCode})`),
        ...fact('Dipegang', c.holder ? c.holder.name : 'Belum dipegang'),
        ...fact('Diajukan', time(c.filedAt)),
        ...fact('Ditutup', c.closedAt ? time(c.closedAt) : null),
        ...fact('Lokasi', c.place),
        ...fact('Koordinat', coordinates),
      ]),
      c.description ? el('p', { class: 'description' }, [c.description]) : null,
    ]),
    el('section', { 'aria-labelledby': 'h-clocks' }, [
      el('h2', { id: 'h-clocks' }, [`Batas waktu (${zoneLabel})`]),
      el('ul', { class: 'clocks' }, c.clocks.map(clockLine)),
    ]),
    el('section', { 'aria-labelledby': 'h-timeline' }, [
      el('h2', { id: 'h-timeline' }, ['Riwayat']),
      el('ol', { class: 'timeline' }, c.timeline.map(timelineItem)),
    ]),
    c.photos.length > 0
      ? el('section', { 'aria-labelledby': 'h-photos' }, [
          el('h2', { id: 'h-photos' }, ['Foto']),
          el(
            'ul',
            { class: 'photos' },
            c.photos.map((src, i) =>
              el('li', {}, [
                el('a', { href: src, target: '_blank', rel: 'noopener' }, [
                  el('img', { src, alt: `Foto ${i + 1} dari ${c.photos.length}`, loading: 'lazy' }),
                ]),
              ]),
            ),
          ),
        ])
      : null,
  );
  root.hidden = false;
}

async function load() {
  const message = document.getElementById('message');
  const trackingNumber = decodeURIComponent(location.pathname.split('/').pop() ?? '');
  const res = await fetch(`/api/cases/${encodeURIComponent(trackingNumber)}`, { credentials: 'same-origin' });
  if (res.status === 401) {
    message.replaceChildren('Silakan masuk dulu di ', el('a', { href: '/board' }, ['papan']), '.');
    return;
  }
  if (!res.ok) {
    message.textContent = res.status === 404 ? 'Kasus tidak ditemukan.' : 'Gagal memuat kasus.';
    return;
  }
  const body = await res.json();
  message.textContent = '';
  draw(body.case, body.timeZoneLabel);
}

load().catch(() => {
  document.getElementById('message').textContent = 'Gagal memuat kasus.';
});
