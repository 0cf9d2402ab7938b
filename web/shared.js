// What the board and the TV wall share: drawing case cards with their SLA clocks, the live
// connection, and small DOM helpers. Data is only ever put in the page as text, never as HTML.
import { reconnectDelay } from './reconnectDelay.js';
import { slaClock } from './slaClock.js';

/** Words and a shape per clock state: colour is never the only sign. */
export const CLOCK_LABELS = {
  on_time: { label: 'TEPAT WAKTU', mark: '\u25CF' },
  close: { label: 'HAMPIR HABIS', mark: '\u25B2' },
  overdue: { label: 'TERLAMBAT', mark: '\u25A0' },
  paused: { label: 'DITUNDA', mark: '\u2016' },
};

/**
 * An element with attributes and children (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {Array<Node | string | null | undefined | false>} [children]
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  for (const child of children) if (child) node.append(child);
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

/** "2 hari 3 jam", "3 jam 12 mnt", "12 mnt", "40 dtk". */
export function formatDuration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} hari ${hours} jam`;
  if (hours > 0) return `${hours} jam ${minutes} mnt`;
  if (minutes > 0) return `${minutes} mnt`;
  return `${s} dtk`;
}

/** The words under a clock: time left, time overdue, or where a paused clock stopped. */
export function clockText(clock) {
  if (clock.state === 'paused') return `berhenti, sisa ${formatDuration(clock.msLeft)}`;
  return clock.msLeft <= 0 ? `lewat ${formatDuration(clock.msLeft)}` : `sisa ${formatDuration(clock.msLeft)}`;
}

/** The city's time zone and its label (WIB, WITA, WIT), from the server: the board shows city time. */
let cityZone = { timeZone: undefined, label: '' };
export function setCityTime(timeZone, label) {
  cityZone = { timeZone, label };
}

/** "14.05 WITA": the city's time now, to the minute. */
export function cityClock() {
  const time = new Date(serverNow()).toLocaleTimeString('id-ID', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: cityZone.timeZone,
  });
  return cityZone.label ? `${time} ${cityZone.label}` : time;
}

/**
 * Puts `text` in a live region (role="status", aria-live="polite") for screen readers. Only a
 * changed text is set: a refresh that changed nothing is not read out again.
 */
export function announce(region, text) {
  if (region && region.textContent !== text) region.textContent = text;
}

/** Clock time corrected by the server's clock, so every screen counts down alike. */
let serverOffsetMs = 0;
export function syncServerTime(serverNowIso) {
  serverOffsetMs = Date.parse(serverNowIso) - Date.now();
}
export function serverNow() {
  return Date.now() + serverOffsetMs;
}

/**
 * A case card. `c` is a case of /api/cases or /api/board/tv; officers' extras (holder,
 * description, place) are drawn only when present.
 */
export function caseCard(c, options = {}) {
  const clock = slaClock(c, serverNow());
  const { label, mark } = CLOCK_LABELS[clock.state];
  const card = el(
    'article',
    {
      class: `case clock-${clock.state}`,
      'data-tracking': c.trackingNumber,
      'data-started': c.startedAt,
      'data-deadline': c.deadlineAt,
      'data-paused': c.pausedAt ?? '',
      'data-clock': clock.state,
    },
    [
      el('div', { class: 'case-head' }, [
        el('span', { class: 'tn' }, [c.trackingNumber]),
        el('span', { class: 'badge' }, [el('span', { class: 'mark', 'aria-hidden': 'true' }, [mark]), ` ${label}`]),
      ]),
      el('div', { class: 'case-title' }, [c.title]),
      el('div', { class: 'case-status' }, [
        c.statusLabel,
        options.showDepartment ? ` \u00B7 ${c.departmentCode}` : null,
      ]),
      el('div', { class: 'case-time' }, [clockText(clock)]),
      // A complaint's running clock (verification, first response, resolution) and its deadline.
      c.clockLabel ? el('div', { class: 'case-clock', 'data-clock-name': c.clockName }, [c.clockLabel]) : null,
      'holder' in c
        ? el('div', { class: 'case-holder' }, [c.holder ? `Dipegang: ${c.holder.name}` : 'Belum dipegang'])
        : null,
      c.place ? el('div', { class: 'case-place' }, [c.place]) : null,
      c.description ? el('p', { class: 'case-description' }, [c.description]) : null,
      c.optedOut?.length > 0 ? optedOutLine(c.optedOut) : null,
      c.photos?.length > 0 ? photoStrip(c.trackingNumber, c.photos) : null,
    ],
  );
  return card;
}

/** The same words as the officers' case timeline (locales, `optOut.channel` and `optOut.reason`). */
const CHANNEL_NAMES = { telegram: 'Telegram', whatsapp: 'WhatsApp', sms: 'SMS', email: 'email', console: 'terminal' };
const OPT_OUT_REASONS = {
  'twilio-21610': 'nomornya berhenti berlangganan (Twilio 21610)',
  'telegram-blocked': 'warga memblokir bot',
  'sms-stop': 'warga mengirim STOP',
};

/** "Tidak menerima pesan lewat Telegram sejak 2 Des 2026 (warga memblokir bot)", one per channel. */
function optedOutLine(optedOut) {
  const date = (iso) =>
    new Date(iso).toLocaleDateString('id-ID', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: cityZone.timeZone,
    });
  const parts = optedOut.map(
    (o) => `${CHANNEL_NAMES[o.channel] ?? o.channel} sejak ${date(o.since)} (${OPT_OUT_REASONS[o.reason] ?? o.reason})`,
  );
  return el('div', { class: 'case-optout', 'data-opted-out': optedOut.map((o) => o.channel).join(' ') }, [
    el('span', { class: 'mark', 'aria-hidden': 'true' }, ['\u26A0']),
    ` Tidak menerima pesan lewat ${parts.join('; ')}`,
  ]);
}

/** The complaint's photos as small thumbnails, each a link to the full photo. */
function photoStrip(trackingNumber, photos) {
  return el(
    'ul',
    { class: 'case-photos', 'aria-label': `Foto pengaduan ${trackingNumber}` },
    photos.map((path, i) =>
      el('li', {}, [
        el('a', { href: path, target: '_blank', rel: 'noopener' }, [
          el('img', {
            src: path,
            alt: `Foto ${i + 1} dari ${photos.length}, pengaduan ${trackingNumber}`,
            loading: 'lazy',
            width: 56,
            height: 56,
          }),
        ]),
      ]),
    ),
  );
}

/** Moves every drawn clock on: state, colour, label and time left, once a second. */
export function tickClocks(root = document) {
  for (const card of root.querySelectorAll('[data-deadline]')) {
    const clock = slaClock(
      { startedAt: card.dataset.started, deadlineAt: card.dataset.deadline, pausedAt: card.dataset.paused || null },
      serverNow(),
    );
    if (card.dataset.clock !== clock.state) {
      card.classList.remove(`clock-${card.dataset.clock}`);
      card.classList.add(`clock-${clock.state}`);
      card.dataset.clock = clock.state;
      const { label, mark } = CLOCK_LABELS[clock.state];
      const badge = card.querySelector('.badge');
      if (badge) badge.replaceChildren(el('span', { class: 'mark', 'aria-hidden': 'true' }, [mark]), ` ${label}`);
    }
    const time = card.querySelector('.case-time');
    if (time) time.textContent = clockText(clock);
  }
  const now = document.getElementById('now');
  if (now) {
    const time = new Date(serverNow()).toLocaleTimeString('id-ID', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone: cityZone.timeZone,
    });
    now.textContent = cityZone.label ? `${time} ${cityZone.label}` : time;
    now.dataset.timeZone = cityZone.timeZone ?? '';
  }
}

/** "5.000": the tiles' numbers grouped as Indonesian writes them. */
const TILE_NUMBER = new Intl.NumberFormat('id-ID');

/** The tiles, in order: every open case, then each clock state. Their numbers add up. */
const TILES = [
  { key: 'open', cls: 'tile-open', label: 'Terbuka', mark: '\u03A3' },
  { key: 'on_time', cls: 'clock-on_time', label: 'Tepat waktu', mark: CLOCK_LABELS.on_time.mark },
  { key: 'close', cls: 'clock-close', label: 'Hampir habis', mark: CLOCK_LABELS.close.mark },
  { key: 'overdue', cls: 'clock-overdue', label: 'Terlambat', mark: CLOCK_LABELS.overdue.mark },
  { key: 'paused', cls: 'clock-paused', label: 'Ditunda', mark: CLOCK_LABELS.paused.mark },
];

/**
 * Count tiles from the server's counts (`{open, on_time, close, overdue, paused}`, as
 * /api/stats `totals`): open is the sum of the four states. Each tile has a shape, not only a colour.
 */
export function drawTiles(container, totals) {
  container.replaceChildren(
    ...TILES.map((t) =>
      el('div', { class: `tile ${t.cls}`, 'data-tile': t.key }, [
        el('span', { class: 'tile-value' }, [TILE_NUMBER.format(totals[t.key] ?? 0)]),
        el('span', { class: 'tile-label' }, [
          el('span', { class: 'mark', 'aria-hidden': 'true' }, [t.mark]),
          ` ${t.label}`,
        ]),
      ]),
    ),
  );
}

/**
 * Listens to /api/events and calls `refresh` on each (re)connect and on each change, showing the
 * state of the connection in `liveEl`. EventSource retries a dropped stream by itself, but gives
 * up on one the server refused (429 or 503, when every slot is taken) or could not answer: then
 * the stream is opened again after a growing, jittered wait. Returns a handle to stop listening.
 */
export function listenForChanges(url, refresh, liveEl) {
  let source = null;
  let timer = null;
  let attempt = 0;
  let stopped = false;
  const show = (state, text) => {
    liveEl.dataset.state = state;
    liveEl.textContent = text;
  };
  const load = () => Promise.resolve(refresh()).catch(() => show('off', 'Gagal memuat, mencoba lagi...'));
  const connect = () => {
    timer = null;
    show('connecting', 'Menghubungkan...');
    const current = new EventSource(url);
    source = current;
    current.addEventListener('hello', () => {
      attempt = 0;
      show('live', 'LANGSUNG');
      // Whatever changed while the stream was away is drawn now.
      load();
    });
    current.addEventListener('change', load);
    // The server is stopping (a deploy): not live any more; the next process is asked after the backoff.
    current.addEventListener('bye', () => {
      if (stopped || source !== current) return;
      current.close();
      const delay = reconnectDelay(attempt++, Math.random);
      show('connecting', 'Menyambung ulang…');
      timer = setTimeout(connect, delay);
    });
    current.addEventListener('error', () => {
      if (stopped || source !== current) return;
      if (current.readyState !== EventSource.CLOSED) {
        show('off', 'Terputus, mencoba lagi...');
        return;
      }
      current.close();
      const delay = reconnectDelay(attempt++, Math.random);
      show('off', `Terputus, mencoba lagi dalam ${Math.ceil(delay / 1000)} dtk...`);
      timer = setTimeout(connect, delay);
    });
  };
  connect();
  return {
    close() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      source?.close();
    },
  };
}

/** Runs `task` one at a time; a call during a run makes one more run afterwards. */
export function serialized(task) {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await task();
      } while (again);
    } finally {
      running = false;
    }
  };
  return run;
}
