// The TV wall: every open case of every department, without personal data, in large type.
// No sign-in; with TV_WALL_TOKEN set on the server, the page's URL carries ?token=...
import {
  drawDepartments,
  drawTiles,
  listenForChanges,
  serialized,
  setCityTime,
  syncServerTime,
  tickClocks,
} from './shared.js';

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token');
const query = token ? `?token=${encodeURIComponent(token)}` : '';

const refresh = serialized(async () => {
  const res = await fetch(`/api/board/tv${query}`);
  if (res.status !== 200) {
    $('message').textContent = res.status === 403 ? 'Token layar salah.' : `Gagal memuat (${res.status}).`;
    return;
  }
  const board = await res.json();
  $('message').textContent = '';
  syncServerTime(board.now);
  $('city').textContent = board.city;
  setCityTime(board.timeZone, board.timeZoneLabel);
  drawTiles($('tiles'), board.cases);
  drawDepartments($('departments'), board.cases, { limit: 12 });
  tickClocks();
  document.body.dataset.loaded = String(Date.now());
});

// The stream needs a token parameter to be taken for the TV wall, even an empty one.
listenForChanges(`/api/events?token=${encodeURIComponent(token ?? '')}`, refresh, $('live'));
setInterval(() => tickClocks(), 1000);
setInterval(() => refresh().catch(() => undefined), 60_000);
