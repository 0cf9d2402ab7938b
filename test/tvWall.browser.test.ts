import { mkdirSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOpenCases, openCasesCte, type ClockCounts, type OpenCaseCounts } from '../app/commandCenter/openCases.js';
import { TV_OVERDUE_LIMIT, type TvBoard } from '../app/commandCenter/tvBoard.js';
import { runAxe, SERIOUS } from './support/axe.js';
import { launchChromium } from './support/chromium.js';
import { getJson, seedOfficer } from './support/commandCenter.js';
import { createOpenApiValidator } from './support/openApiValidator.js';
import { seedOpenCases } from './support/seedOpenCases.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

// The TV wall at a real city's size (5,000 open cases, 500 closed) in headless Chromium at
// 1920x1080 and 3840x2160: one screen without scrolling, the tiles and every department's bar
// equal to the SQL counts, the overdue list paged by what fits and turning pages, and nothing
// of any citizen on it. Prints page weight and time to first render.

/** The app's clock stands still here, and the cases are seeded around the same instant. */
const NOW = new Date('2026-12-02T03:00:00Z');
const HOLDER = 'Budi Pemegang Uji';
/** Everything seedOpenCases writes of citizens: none of it may reach the wall. */
const PERSONAL = ['Warga Uji Beban', 'Pemohon Uji', '3171010101900001', '6281200000000', 'Pengaduan uji', 'Gang 1'];
const STATES = ['overdue', 'close', 'on_time', 'paused'] as const;

const SIZES = [
  { name: '1080', width: 1920, height: 1080 },
  { name: '4k', width: 3840, height: 2160 },
];

/** The page's side of what the test reads (the tests are typed without the DOM). */
interface Dom {
  document: {
    scrollingElement: { scrollHeight: number; scrollWidth: number };
    body: { innerText: string };
    querySelector(s: string): DomNode | null;
    querySelectorAll(s: string): ArrayLike<DomNode>;
  };
  innerHeight: number;
  innerWidth: number;
  performance: {
    getEntriesByName(name: string): Array<{ startTime: number }>;
    getEntriesByType(
      type: string,
    ): Array<{ name: string; encodedBodySize: number; decodedBodySize: number; startTime: number; duration: number }>;
  };
}
interface DomNode {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  getBoundingClientRect(): { top: number; bottom: number; left: number; right: number };
  querySelector(s: string): DomNode | null;
  querySelectorAll(s: string): ArrayLike<DomNode>;
}
declare const window: Dom;

const digits = (text: string | null | undefined) => Number((text ?? '').replace(/\D/g, ''));

describe('the TV wall with 5,000 open cases in headless Chromium', () => {
  const openapi = createOpenApiValidator();
  let app: TestApp;
  let browser: Browser;
  let counts: OpenCaseCounts;
  let tv: TvBoard;
  const pageErrors: string[] = [];
  const figures: string[] = [];

  const watch = (page: Page) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
  };

  beforeAll(async () => {
    app = await startApp({});
    app.clock.now = NOW;
    const prisma = app.core.db.prisma;
    await seedOpenCases(prisma, app.core.city, { open: 5000, closed: 500, now: NOW });
    // The longest overdue cases are held by an officer, whose name the wall shows (staff, not a citizen).
    const holder = await seedOfficer(app, {
      name: HOLDER,
      role: 'officer',
      departmentCode: null,
      phone: '6281100009001',
    });
    const longest = await prisma.$queryRaw<Array<{ kind: string; id: string }>>`
      ${openCasesCte(NOW, { departments: null })}
      SELECT kind, id FROM open_cases WHERE state = 'overdue' ORDER BY ms_left, tracking_number LIMIT 6`;
    const held = (kind: string) => ({
      id: { in: longest.filter((c, i) => c.kind === kind && i % 2 === 0).map((c) => c.id) },
    });
    await prisma.permitApplication.updateMany({ where: held('permit'), data: { assignedOfficerId: holder.id } });
    await prisma.complaint.updateMany({ where: held('complaint'), data: { assignedOfficerId: holder.id } });
    counts = await countOpenCases(prisma, NOW, { departments: null });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('answers /api/board/tv with the SQL counts, every department and the longest overdue, by the OpenAPI schema', async () => {
    const { status, body } = await getJson(app, '/api/board/tv');
    expect(status).toBe(200);
    expect(openapi.errors('get', '/api/board/tv', 200, body)).toEqual([]);
    tv = body as TvBoard;
    expect(tv.totals).toEqual(counts.total);
    expect(tv.totals.open).toBe(5000);
    const serving = app.core.city.departments.filter((d) =>
      d.handles.some((h) => h === 'permits' || h.startsWith('complaints:')),
    );
    expect(tv.departments.map((d) => d.code).sort()).toEqual(serving.map((d) => d.code).sort());
    const zero: ClockCounts = { open: 0, on_time: 0, close: 0, overdue: 0, paused: 0 };
    for (const d of tv.departments) {
      const expected = counts.departments.find((c) => c.code === d.code) ?? { code: d.code, ...zero };
      expect(d, d.code).toEqual({ ...expected, name: serving.find((s) => s.code === d.code)!.names.id });
    }
    expect(tv.overdue).toHaveLength(Math.min(TV_OVERDUE_LIMIT, counts.total.overdue));
    expect(counts.total.overdue).toBeGreaterThan(TV_OVERDUE_LIMIT);
    const over = tv.overdue.map((c) => c.msOver);
    expect(over).toEqual([...over].sort((a, b) => b - a));
    expect(tv.overdue.slice(0, 6).map((c) => c.holder)).toEqual([HOLDER, null, HOLDER, null, HOLDER, null]);
    const text = JSON.stringify(body);
    for (const secret of PERSONAL) expect(text, secret).not.toContain(secret);
  });

  it.each(SIZES)('fits $width x $height without scrolling, with the SQL figures, turning pages', async (size) => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${app.baseUrl}/board/tv?rotate=2`);
    await page.locator('body[data-loaded]').waitFor({ timeout: 15_000 });
    // Read at once: page 1 turns after 2 s.
    const overdue = await page.evaluate(() => {
      const label = window.document.querySelector('#overdue-page')!;
      const box = window.document.querySelector('#overdue-box')!.getBoundingClientRect();
      const rows = Array.from(window.document.querySelectorAll('#overdue tbody tr'));
      return {
        page: Number(label.dataset.page),
        pages: Number(label.dataset.pages),
        text: label.textContent,
        numbers: rows.map((r) => r.dataset.tracking ?? ''),
        cells: rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '')),
        lastBottom: rows.length ? rows[rows.length - 1]!.getBoundingClientRect().bottom : 0,
        boxBottom: box.bottom,
      };
    });

    // Tiles: the five counts of countOpenCases.
    const tile = async (cls: string) => digits(await page.locator(`#tiles .${cls} .tile-value`).textContent());
    expect(await tile('tile-open')).toBe(counts.total.open);
    for (const state of STATES) expect(await tile(`clock-${state}`), state).toBe(counts.total[state]);

    // The screen: nothing to scroll, the header clock in city time with its label.
    const fit = await page.evaluate(() => {
      const root = window.document.scrollingElement;
      return { height: root.scrollHeight, width: root.scrollWidth, inner: [window.innerHeight, window.innerWidth] };
    });
    expect(fit.height).toBeLessThanOrEqual(fit.inner[0]!);
    expect(fit.width).toBeLessThanOrEqual(fit.inner[1]!);
    expect(await page.locator('#now').textContent()).toMatch(/^\d\d\.\d\d\.\d\d WIB$/);

    // Overdue: page 1 of ceil(overdue / rows that fit), the longest overdue first, all rows inside the box.
    const perPage = overdue.numbers.length;
    expect(perPage).toBeGreaterThan(5);
    expect(overdue.lastBottom).toBeLessThanOrEqual(overdue.boxBottom);
    expect(overdue.pages).toBe(Math.ceil(tv.overdue.length / perPage));
    expect(overdue.pages).toBeGreaterThan(1);
    expect(overdue.text).toBe(`Halaman 1/${overdue.pages}`);
    expect(overdue.numbers).toEqual(tv.overdue.slice(0, perPage).map((c) => c.trackingNumber));
    overdue.cells.forEach((cells, i) => {
      const c = tv.overdue[i]!;
      expect(cells.slice(0, 4)).toEqual([c.trackingNumber, c.title, c.departmentCode, c.holder ?? 'Belum dipegang']);
      expect(cells[4]).toMatch(/^\d+ hari \d+ jam$/);
      expect(cells[5]).toMatch(/^\d{1,2} \w{3} \d\d\.\d\d$/);
    });
    expect(await page.locator('#overdue th.c-deadline').textContent()).toBe('Batas (WIB)');
    expect(overdue.cells.filter((cells) => cells[3] === HOLDER)).toHaveLength(3);

    // Every department's bar: its numbers are its counts (on whichever page it shows).
    const seen = new Map<string, Record<string, number>>();
    await eventually(async () => {
      const rows = await page.evaluate(() =>
        Array.from(window.document.querySelectorAll('#departments [data-department]')).map((li) => ({
          code: li.dataset.department!,
          figs: Array.from(li.querySelectorAll('.fig')).map((f) => [f.dataset.state!, f.textContent ?? ''] as const),
        })),
      );
      for (const row of rows) seen.set(row.code, Object.fromEntries(row.figs.map(([s, t]) => [s, digits(t)])));
      return seen.size === tv.departments.length;
    }, 20_000);
    for (const d of tv.departments) {
      expect(seen.get(d.code), d.code).toEqual({
        overdue: d.overdue,
        close: d.close,
        on_time: d.on_time,
        paused: d.paused,
        open: d.open,
      });
    }

    // The overdue list turns to page 2 by itself, with the next rows.
    await page.locator('#overdue-page', { hasText: `Halaman 2/${overdue.pages}` }).waitFor({ timeout: 10_000 });
    const second = await page
      .locator('#overdue tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as unknown as DomNode).dataset.tracking));
    expect(second).toEqual(tv.overdue.slice(perPage, 2 * perPage).map((c) => c.trackingNumber));

    // A change anywhere redraws the wall from new data, on the page it was on (not back to page 1).
    const drawn = await page.locator('body').getAttribute('data-loaded');
    const closed = await app.core.db.prisma.complaint.findFirstOrThrow({ where: { closedAt: { not: null } } });
    await app.core.db.prisma.complaint.update({ where: { id: closed.id }, data: { updatedAt: new Date() } });
    await page.locator('body:not([data-loaded="' + drawn + '"])').waitFor({ timeout: 10_000 });
    expect(Number(await page.locator('#overdue-page').getAttribute('data-page'))).toBeGreaterThanOrEqual(2);

    // Nothing of any citizen, in the text or the markup.
    const shown = `${await page.evaluate(() => window.document.body.innerText)}\n${await page.content()}`;
    for (const secret of PERSONAL) expect(shown, secret).not.toContain(secret);

    const measured = await page.evaluate(() => {
      const firstRenderMs = window.performance.getEntriesByName('tv-first-render')[0]?.startTime ?? NaN;
      // What the wall loaded up to its first render (later refreshes come on top of it).
      const entries = [
        ...window.performance.getEntriesByType('navigation'),
        ...window.performance.getEntriesByType('resource'),
      ].filter((e) => e.startTime <= firstRenderMs);
      return {
        firstRenderMs,
        encoded: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
        decoded: entries.reduce((sum, e) => sum + e.decodedBodySize, 0),
        resources: entries.map(
          (e) =>
            `${new URL(e.name).pathname} ${e.encodedBodySize} B at ${Math.round(e.startTime)}+${Math.round(e.duration)} ms`,
        ),
      };
    });
    expect(measured.firstRenderMs).toBeGreaterThan(0);
    const line =
      `TV wall ${size.width}x${size.height}: first render ${Math.round(measured.firstRenderMs)} ms, ` +
      `page weight ${measured.encoded} B on the wire (${measured.decoded} B decoded), ` +
      `${overdue.pages} pages of ${perPage} overdue rows; ${measured.resources.join(', ')}`;
    figures.push(line);
    console.log(line);

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: `test-output/tv-${size.name}.png` });
    // Read from across a room, and by a screen reader too: no serious or critical axe-core finding.
    const axe = await runAxe(page, { impacts: SERIOUS });
    expect(axe.passes).toBeGreaterThan(10);
    expect(axe.violations).toEqual([]);
    await context.close();
  });

  it('ran without script errors, console errors or failed requests', () => {
    expect(pageErrors).toEqual([]);
    expect(figures).toHaveLength(SIZES.length);
  });
});
