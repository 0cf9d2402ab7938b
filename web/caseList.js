// The board's case list: filters kept in the page's URL, pages from /api/cases by cursor ("Muat
// lagi"), and a redraw that touches only the cards whose case changed, so what an operator is
// reading (or has selected) in the others stays put. Also the short overdue list.
import { caseCard, el, formatDuration } from './shared.js';

/** The filters the list reads from and writes to the URL, in this order. */
const FILTERS = ['department', 'kind', 'status', 'clock', 'q', 'sort'];
const PAGE = 100;
/** The server's largest page: a refresh of a long list asks in pieces of this size. */
const MAX_PAGE = 500;
const number = new Intl.NumberFormat('id-ID');

/** The filters in the URL, without empty ones. */
function filtersFromUrl() {
  const url = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.flatMap((name) => (url.get(name) ? [[name, url.get(name)]] : [])));
}

/** The filters as query parameters (the same for the list, the export links and the URL). */
function paramsOf(filters, extra = {}) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  for (const [name, value] of Object.entries(extra)) params.set(name, String(value));
  return params;
}

/** What a card shows, apart from its clock (which tickClocks moves on by itself). */
function signature(c) {
  return JSON.stringify({ ...c, clock: undefined });
}

/** caseCard with its tracking number as a link to the case's page. */
function linkedCard(c) {
  const card = caseCard(c);
  const tn = card.querySelector('.tn');
  if (tn)
    tn.replaceChildren(el('a', { href: `/board/cases/${encodeURIComponent(c.trackingNumber)}` }, [c.trackingNumber]));
  return card;
}

/**
 * The case list inside `root` (the board's list section). `api(path)` answers `{ status, body }`.
 * `load()` draws the first page for the filters; `refresh()` asks again for as many cases as are
 * shown and redraws only what changed; `setDepartments` fills the department choice.
 */
export function createCaseList(root, api, { onUnauthorized } = {}) {
  const form = root.querySelector('.case-filters');
  const list = root.querySelector('.case-list');
  const count = root.querySelector('.case-count');
  const more = root.querySelector('.load-more');
  const exports = [...root.querySelectorAll('a[data-export]')];
  /** Cards drawn, by tracking number, with what they showed. */
  const drawn = new Map();
  let filters = filtersFromUrl();
  let shown = PAGE;
  let nextCursor = null;
  let generation = 0;

  for (const name of FILTERS) if (form.elements[name]) form.elements[name].value = filters[name] ?? '';

  const showExports = () => {
    for (const a of exports) a.href = `/api/cases/export?${paramsOf(filters, { format: a.dataset.export })}`;
  };

  /** Puts `cases` in the list in order, reusing every card whose case did not change. */
  const draw = (cases) => {
    const wanted = new Set(cases.map((c) => c.trackingNumber));
    for (const [tn, entry] of drawn)
      if (!wanted.has(tn)) {
        entry.card.remove();
        drawn.delete(tn);
      }
    list.querySelector(':scope > .empty')?.remove();
    let at = list.firstElementChild;
    for (const c of cases) {
      const sig = signature(c);
      let entry = drawn.get(c.trackingNumber);
      if (entry && entry.sig !== sig) {
        const card = linkedCard(c);
        entry.card.replaceWith(card);
        if (at === entry.card) at = card;
        entry = { card, sig };
        drawn.set(c.trackingNumber, entry);
      }
      if (!entry) {
        entry = { card: linkedCard(c), sig };
        drawn.set(c.trackingNumber, entry);
      }
      // Only a card out of place is moved; the ones already in order are left alone.
      if (entry.card !== at) list.insertBefore(entry.card, at);
      else at = at.nextElementSibling;
    }
    if (cases.length === 0) list.append(el('p', { class: 'empty' }, ['Tidak ada kasus yang cocok.']));
  };

  const showCount = (total, n) => {
    count.textContent =
      total === 0 ? 'Tidak ada kasus' : `Menampilkan ${number.format(n)} dari ${number.format(total)} kasus`;
    count.dataset.total = String(total);
    count.dataset.shown = String(n);
    more.hidden = !nextCursor;
  };

  /** Pages of the list until `wanted` cases are in, for the current filters. */
  const fetchCases = async (wanted) => {
    const cases = [];
    let cursor = null;
    let total;
    do {
      const extra = { limit: Math.min(MAX_PAGE, wanted - cases.length), ...(cursor ? { cursor } : {}) };
      const res = await api(`/api/cases?${paramsOf(filters, extra)}`);
      if (res.status === 401) {
        onUnauthorized?.();
        return null;
      }
      if (res.status !== 200) return null;
      cases.push(...res.body.cases);
      total = res.body.total;
      cursor = res.body.nextCursor;
    } while (cursor && cases.length < wanted);
    return { cases, total, cursor };
  };

  /** Draws as many cases as are shown now, for the filters as they are now. */
  const refresh = async () => {
    const mine = ++generation;
    const page = await fetchCases(Math.max(PAGE, shown));
    // A newer request (another filter) has started: its answer wins.
    if (!page || mine !== generation) return;
    nextCursor = page.cursor;
    draw(page.cases);
    showCount(page.total, page.cases.length);
    root.dataset.loaded = String(Date.now());
  };

  const loadMore = async () => {
    if (!nextCursor) return;
    const mine = ++generation;
    more.disabled = true;
    try {
      const res = await api(`/api/cases?${paramsOf(filters, { limit: PAGE, cursor: nextCursor })}`);
      if (res.status !== 200 || mine !== generation) return;
      for (const c of res.body.cases) {
        if (drawn.has(c.trackingNumber)) continue;
        const card = linkedCard(c);
        drawn.set(c.trackingNumber, { card, sig: signature(c) });
        list.append(card);
      }
      nextCursor = res.body.nextCursor;
      shown = drawn.size;
      showCount(res.body.total, drawn.size);
      root.dataset.loaded = String(Date.now());
    } finally {
      more.disabled = false;
    }
  };

  const applyFilters = () => {
    filters = Object.fromEntries(
      FILTERS.flatMap((name) => (form.elements[name]?.value.trim() ? [[name, form.elements[name].value.trim()]] : [])),
    );
    const query = paramsOf(filters).toString();
    window.history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    shown = PAGE;
    showExports();
    return refresh();
  };

  let typing = null;
  form.addEventListener('change', (event) => {
    if (event.target.name !== 'q') applyFilters();
  });
  form.addEventListener('input', (event) => {
    if (event.target.name !== 'q') return;
    clearTimeout(typing);
    typing = setTimeout(applyFilters, 300);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    applyFilters();
  });
  more.addEventListener('click', () => loadMore());
  showExports();

  return {
    refresh,
    /** Fills the department choice (from /api/stats), keeping the one chosen. */
    setDepartments(departments) {
      const select = form.elements.department;
      if (!select) return;
      const known = [...select.options].map((o) => `${o.value}:${o.textContent}`).join('|');
      const options = [{ code: '', name: 'Semua dinas' }, ...departments].map((d) => ({
        value: d.code,
        text: d.code ? `${d.name ?? d.code} (${d.code})` : d.name,
      }));
      if (filters.department && !options.some((o) => o.value === filters.department))
        options.push({ value: filters.department, text: filters.department });
      if (options.map((o) => `${o.value}:${o.text}`).join('|') === known) return;
      select.replaceChildren(...options.map((o) => el('option', { value: o.value }, [o.text])));
      select.value = filters.department ?? '';
    },
  };
}

/** The overdue panel: up to 20 most overdue cases of /api/cases?clock=overdue, and how many more. */
export function drawOverdue(list, page) {
  const rest = page.total - page.cases.length;
  const items =
    page.cases.length > 0
      ? page.cases.map((c) =>
          el('li', { class: 'clock-overdue', 'data-overdue': c.trackingNumber }, [
            el('a', { href: `/board/cases/${encodeURIComponent(c.trackingNumber)}` }, [
              el('strong', {}, [c.trackingNumber]),
            ]),
            ` ${c.title} \u00B7 ${c.departmentCode} \u00B7 ${c.clockLabel ? `${c.clockLabel} \u00B7 ` : ''}lewat ${formatDuration(c.clock.msLeft)} \u00B7 `,
            c.holder ? c.holder.name : 'belum dipegang',
          ]),
        )
      : [el('li', { class: 'empty' }, ['Tidak ada yang terlambat.'])];
  if (rest > 0) items.push(el('li', { class: 'more', 'data-more': rest }, [`${number.format(rest)} lainnya`]));
  list.replaceChildren(...items);
}
