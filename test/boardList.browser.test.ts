import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOpenCases } from '../app/commandCenter/openCases.js';
import { launchChromium } from './support/chromium.js';
import { seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { seedOpenCases } from './support/seedOpenCases.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

// The board's case list in headless Chromium with 5,000 open cases: the tiles and department
// figures equal to the SQL counts, the first page and the total, filters in the URL that survive a reload, "Muat lagi", links to the case page, a
// refresh that keeps unchanged cards (and a selection in one), no sideways scroll on a phone;
// page weight and time to first card are printed for the closing note.

const OFFICER_PHONE = '6281100000911';
const number = new Intl.NumberFormat('id-ID');

/** What the page can tell of itself (the tests are typed without the DOM). */
interface PageGlobals {
  firstCardAt?: number;
  getSelection(): { toString(): string; selectAllChildren(n: unknown): void } | null;
}

describe('the board case list in headless Chromium', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let browser: Browser;
  let cookie = '';
  const problems: string[] = [];

  /** A signed-in page at a size, counting the bytes on the wire (compressed as sent) with CDP. */
  const open = async (width: number, height: number) => {
    const context: BrowserContext = await browser.newContext({ viewport: { width, height } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: app.baseUrl }]);
    // The moment the first card is in the page, against the navigation's start.
    await context.addInitScript(() => {
      const g = globalThis as unknown as PageGlobals & {
        MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void; disconnect(): void };
        performance: { now(): number };
        document: { querySelector(s: string): unknown };
      };
      const observer = new g.MutationObserver(() => {
        if (g.firstCardAt === undefined && g.document.querySelector('#departments article.case')) {
          g.firstCardAt = g.performance.now();
          observer.disconnect();
        }
      });
      observer.observe(g.document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const wire = { bytes: 0, api: 0 };
    const urls = new Map<string, string>();
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => {
      wire.bytes += e.encodedDataLength;
      if (urls.get(e.requestId)?.includes('/api/cases')) wire.api += e.encodedDataLength;
    });
    return { page, wire };
  };

  const cards = (page: Page) => page.locator('#departments article.case[data-tracking]');
  const shownTotal = async (page: Page) => Number(await page.locator('.case-count').getAttribute('data-total'));

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'8'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: 'board-list-session-secret-0123456789',
      },
      { twilioHttpClient: api.httpClient() },
    );
    await seedOpenCases(app.core.db.prisma, app.core.city, { open: 5000, closed: 1000, now: app.clock.now, seed: 23 });
    await seedOfficer(app, { name: 'Admin Kota', role: 'admin', departmentCode: null, phone: OFFICER_PHONE });
    cookie = await signIn(app, api, OFFICER_PHONE);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await api.stop();
  });

  it.each([
    [1920, 1080],
    [3840, 2160],
    [390, 844],
  ])('shows the first page and the total at %ix%i, without sideways scroll', async (width, height) => {
    const { page, wire } = await open(width, height);
    const started = Date.now();
    await page.goto(`${app.baseUrl}/board`);
    await cards(page).first().waitFor({ timeout: 20_000 });
    await page.locator('#board[data-loaded], body[data-loaded]').first().waitFor();
    await page.waitForLoadState('networkidle');
    const firstCardAt = await page.evaluate(() => (globalThis as unknown as PageGlobals).firstCardAt);
    const counts = await countOpenCases(app.core.db.prisma, app.clock.now, { departments: null });
    expect(counts.total.open).toBe(5000);
    expect(await cards(page).count()).toBe(100);
    expect(await page.locator('.case-count').textContent()).toBe(`Menampilkan 100 dari ${number.format(5000)} kasus`);
    expect(await page.locator('.load-more').isVisible()).toBe(true);
    // Nothing of the list reaches past the screen's right edge (the header and the figures
    // table are other parts of the board; the page's own width is printed below).
    const overflow = await page.evaluate((w) => {
      const g = globalThis as unknown as {
        document: {
          documentElement: { scrollWidth: number };
          querySelectorAll(s: string): Array<{ getBoundingClientRect(): { right: number }; className: string }>;
        };
      };
      const past = [...g.document.querySelectorAll('#case-list, #case-list *')].filter(
        (e) => e.getBoundingClientRect().right > w + 0.5,
      );
      return { list: past.map((e) => e.className), page: g.document.documentElement.scrollWidth };
    }, width);
    expect(overflow.list).toEqual([]);
    expect(overflow.page).toBeLessThanOrEqual(width);
    // The tiles and every department's row of figures are the SQL counts, not a count of a cut list.
    for (const key of ['open', 'on_time', 'close', 'overdue', 'paused'] as const) {
      const tile = await page.locator(`#tiles [data-tile="${key}"] .tile-value`).textContent();
      expect(Number(tile?.replace(/\D/g, '')), key).toBe(counts.total[key]);
    }
    for (const d of counts.departments) {
      for (const key of ['open', 'overdue', 'paused'] as const) {
        const cell = await page
          .locator(`#figures tr[data-department="${d.code}"] td[data-figure="${key}"]`)
          .textContent();
        expect(Number(cell), `${d.code} ${key}`).toBe(d[key]);
      }
    }
    console.log(
      `board ${width}x${height} with 5,000 open cases: page weight ${wire.bytes} bytes on the wire ` +
        `(/api/cases ${wire.api}), first card ${Math.round(firstCardAt ?? -1)} ms after navigation start ` +
        `(${Date.now() - started} ms to settled); page scroll width ${overflow.page}`,
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('filters through the URL, keeps them on reload, loads more, and links each card to its case', async () => {
    const { page } = await open(1600, 1000);
    await page.goto(`${app.baseUrl}/board`);
    await cards(page).first().waitFor({ timeout: 20_000 });

    await page.selectOption('.case-filters select[name="kind"]', 'complaint');
    await eventually(async () => new URL(page.url()).searchParams.get('kind') === 'complaint');
    const complaints = await countOpenCases(app.core.db.prisma, app.clock.now, {
      departments: null,
      kind: 'complaint',
    });
    await eventually(async () => (await shownTotal(page)) === complaints.total.open);
    expect(await page.locator('#departments article.case[data-tracking]').count()).toBe(100);
    const kinds = await cards(page).evaluateAll((nodes) =>
      nodes.map((n) => (n as unknown as { querySelector(s: string): unknown }).querySelector('.case-clock') !== null),
    );
    expect(kinds.every(Boolean)).toBe(true);

    await page.fill('.case-filters input[name="q"]', 'gang 17');
    await eventually(async () => new URL(page.url()).searchParams.get('q') === 'gang 17');
    const searched = await fetch(`${app.baseUrl}/api/cases?kind=complaint&q=gang%2017`, { headers: { cookie } });
    const expected = ((await searched.json()) as { total: number }).total;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(complaints.total.open);
    await eventually(async () => (await shownTotal(page)) === expected);
    // The export links carry the same filters.
    expect(await page.locator('a[data-export="csv"]').getAttribute('href')).toBe(
      '/api/cases/export?kind=complaint&q=gang+17&format=csv',
    );

    await page.reload();
    await cards(page).first().waitFor({ timeout: 20_000 });
    await eventually(async () => (await shownTotal(page)) === expected);
    expect(await page.locator('.case-filters select[name="kind"]').inputValue()).toBe('complaint');
    expect(await page.locator('.case-filters input[name="q"]').inputValue()).toBe('gang 17');

    // Back to everything, then the next page.
    await page.selectOption('.case-filters select[name="kind"]', '');
    await page.fill('.case-filters input[name="q"]', '');
    await eventually(async () => (await shownTotal(page)) === 5000);
    expect(new URL(page.url()).search).toBe('');
    const first100 = await cards(page).evaluateAll((n) =>
      n.map((e) => (e as unknown as { dataset: { tracking: string } }).dataset.tracking),
    );
    await page.click('.load-more');
    await eventually(async () => (await cards(page).count()) === 200);
    const pageTwo = await fetch(`${app.baseUrl}/api/cases?limit=200`, { headers: { cookie } });
    const firstTwo = ((await pageTwo.json()) as { cases: Array<{ trackingNumber: string }> }).cases.map(
      (c) => c.trackingNumber,
    );
    const all = await cards(page).evaluateAll((n) =>
      n.map((e) => (e as unknown as { dataset: { tracking: string } }).dataset.tracking),
    );
    expect(all).toEqual(firstTwo);
    expect(all.slice(0, 100)).toEqual(first100);
    expect(await page.locator('.case-count').textContent()).toBe(`Menampilkan 200 dari ${number.format(5000)} kasus`);

    const link = cards(page).first().locator('.tn a');
    expect(await link.getAttribute('href')).toBe(`/board/cases/${first100[0]}`);
    await link.click();
    await page.waitForURL(`**/board/cases/${first100[0]}`);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('redraws only the changed card on a change, keeping a selection in another', async () => {
    const { page } = await open(1600, 1000);
    await page.goto(`${app.baseUrl}/board`);
    await cards(page).first().waitFor({ timeout: 20_000 });
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
    const numbers = await cards(page).evaluateAll((n) =>
      n.map((e) => (e as unknown as { dataset: { tracking: string } }).dataset.tracking),
    );
    // A permit whose status changes but not its place in the list (its clock stays).
    const permit = await app.core.db.prisma.permitApplication.findFirst({
      where: { trackingNumber: { in: numbers.slice(5) }, status: 'submitted' },
    });
    expect(permit).not.toBeNull();
    const kept = numbers.find((n) => n !== permit!.trackingNumber)!;
    await page.evaluate(
      ([keptNumber]) => {
        const g = globalThis as unknown as PageGlobals & {
          document: {
            querySelectorAll(s: string): Array<{ dataset: { mark?: string } }>;
            querySelector(s: string): unknown;
          };
        };
        for (const card of g.document.querySelectorAll('#departments article.case')) card.dataset.mark = 'before';
        g.getSelection()!.selectAllChildren(g.document.querySelector(`[data-tracking="${keptNumber}"] .case-title`));
      },
      [kept],
    );
    const selected = await page.evaluate(() => (globalThis as unknown as PageGlobals).getSelection()!.toString());
    expect(selected.length).toBeGreaterThan(0);
    await app.core.db.prisma.permitApplication.update({ where: { id: permit!.id }, data: { status: 'verified' } });
    const changed = page.locator(`#departments [data-tracking="${permit!.trackingNumber}"]`);
    await eventually(
      async () => (await changed.locator('.case-status').textContent())?.startsWith('Diverifikasi'),
      15_000,
    );
    expect(await changed.getAttribute('data-mark')).toBeNull();
    const marks = await cards(page).evaluateAll((n) =>
      n.map((e) => (e as unknown as { dataset: { mark?: string } }).dataset.mark ?? null),
    );
    expect(marks.filter((m) => m === 'before').length).toBe(99);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).getSelection()!.toString())).toBe(selected);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
