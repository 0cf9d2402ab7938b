import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitComplaint } from '../core/cases/complaintService.js';
import { runAxe } from './support/axe.js';
import { launchChromium } from './support/chromium.js';
import { getJson, seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { createOpenApiValidator } from './support/openApiValidator.js';
import { startApp, type TestApp } from './support/startApp.js';
import { writeTestCity } from './support/writeTestCity.js';

// The board's complaint map in headless Chromium: the city's outline and districts from its
// boundary GeoJSON under the dots, nearby complaints as one counted cluster, the legend, and a
// dot that opens its case; then a city with map tiles from a local tile host the CSP allows.

const PNG_DIR = process.env.MAP_PNG_DIR ?? 'test-output';
const openapi = createOpenApiValidator();

/** Files a complaint at a place, `daysAgo` days before the app's now (old ones are overdue). */
async function fileAt(app: TestApp, citizenId: string, latitude: number, longitude: number, daysAgo = 0) {
  const prisma = app.core.db.prisma;
  const created = await prisma.$transaction((tx) =>
    submitComplaint(
      tx,
      app.core.city,
      {
        citizenId,
        categoryCode: 'jalan',
        description: 'Jalan berlubang besar, motor sering jatuh waktu malam hari',
        locationText: 'Jl. Contoh',
        latitude,
        longitude,
        anonymous: false,
        photos: [],
      },
      new Date(app.clock.now.getTime() - daysAgo * 86_400_000),
    ),
  );
  return created.trackingNumber;
}

async function signedInPage(browser: Browser, app: TestApp, cookie: string): Promise<[BrowserContext, Page, string[]]> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: app.baseUrl }]);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  return [context, page, problems];
}

describe('the complaint map on the board, with the boundary of the city data', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let browser: Browser;
  let cookie: string;
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'8'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SESSION_SECRET: 'board-map-browser-secret-0123456789ab',
      },
      { twilioHttpClient: api.httpClient() },
    );
    const officer = await seedOfficer(app, {
      name: 'Ani Inspektorat',
      role: 'inspectorate',
      departmentCode: null,
      phone: '6281100000501',
    });
    const citizen = await app.core.db.prisma.citizen.create({ data: { phone: '6281355550500' } });
    // Three within a few tens of metres, one of them overdue: one cluster of 3, overdue.
    numbers.near1 = await fileAt(app, citizen.id, 3.6, 98.67);
    numbers.near2 = await fileAt(app, citizen.id, 3.6003, 98.6702, 20);
    numbers.near3 = await fileAt(app, citizen.id, 3.6001, 98.6699);
    // Two on the very same spot: zooming cannot part them, so a click lists them.
    numbers.same1 = await fileAt(app, citizen.id, 3.55, 98.645);
    numbers.same2 = await fileAt(app, citizen.id, 3.55, 98.645);
    // Alone in the north and the south.
    numbers.north = await fileAt(app, citizen.id, 3.75, 98.68);
    numbers.south = await fileAt(app, citizen.id, 3.51, 98.7, 20);
    cookie = await signIn(app, api, officer.phone);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await api.stop();
  });

  it('draws the outline and districts under clusters and dots, with a legend, and a dot opens its case', async () => {
    const [context, page, problems] = await signedInPage(browser, app, cookie);
    await page.goto(`${app.baseUrl}/board`);
    await page.locator('#map path.map-outline').waitFor({ timeout: 20_000 });

    const outline = (await page.locator('#map path.map-outline').getAttribute('d')) ?? '';
    // One projection for outline and dots: map.bounds 3.48-3.8 N, 98.59-98.75 E onto 200x320.
    const at = (lat: number, lon: number) => [((lon - 98.59) / 0.16) * 200, ((3.8 - lat) / 0.32) * 320];
    const [x0, y0] = at(3.79, 98.64);
    expect(outline).toMatch(new RegExp(`^M${x0!.toFixed(1)},${y0!.toFixed(1)}(L[\\d.]+,[\\d.]+){14}Z$`));
    const north = page.locator(`#map a[data-tracking="${numbers.north}"] circle`);
    const [nx, ny] = at(3.75, 98.68);
    expect(Number(await north.getAttribute('cx'))).toBeCloseTo(nx!, 6);
    expect(Number(await north.getAttribute('cy'))).toBeCloseTo(ny!, 6);
    expect(await page.locator('#map path.map-district').count()).toBe(4);
    expect(await page.locator('#map text.map-district-label').allTextContents()).toEqual([
      'Contoh Utara',
      'Contoh Barat',
      'Contoh Timur',
      'Contoh Selatan',
    ]);
    // The boundary is the picture (role="img"); the dots and clusters lie above it, in a layer of
    // the same size that may hold links and buttons.
    expect(
      await page.locator('#map .map-stack > svg').evaluateAll((svgs) => svgs.map((n) => n.getAttribute('class'))),
    ).toEqual(['map', 'map-marks']);
    expect(
      await page
        .locator('#map svg.map .dot, #map svg.map-marks .map-outline, #map svg.map-marks .map-district')
        .count(),
    ).toBe(0);
    const boxes = await page
      .locator('#map .map-stack > svg')
      .evaluateAll((svgs) => svgs.map((n) => [n.getAttribute('viewBox'), JSON.stringify(n.getBoundingClientRect())]));
    expect(boxes[1]).toEqual(boxes[0]);
    const near = page.locator('#map g.cluster[data-count="3"]');
    expect(await near.getAttribute('data-state')).toBe('overdue');
    expect(await near.locator('text.cluster-count').textContent()).toBe('3');
    expect(await near.locator('rect.dot-overdue').count()).toBe(1);
    expect(await near.locator('title').textContent()).toBe('3 pengaduan: 1 terlambat, 2 tepat waktu');
    expect(await page.locator('#map g.cluster[data-count="2"]').count()).toBe(1);
    expect(await page.locator('#map svg.map-marks > a[data-tracking]').count()).toBe(2);
    expect(await page.locator('#map svg.map').getAttribute('aria-label')).toBe(
      'Peta pengaduan: 7 titik (2 terlambat, 5 tepat waktu)',
    );

    const legend = await page.locator('#map .map-legend li').allTextContents();
    expect(legend.map((t) => t.trim())).toEqual([
      'TERLAMBAT (2)',
      'HAMPIR HABIS (0)',
      'TEPAT WAKTU (5)',
      'DITUNDA (0)',
      'SELESAI (0)',
      'Kelompok: angka = jumlah pengaduan, bentuk = yang terburuk; klik untuk memperbesar',
    ]);
    expect(await page.locator('#map .map-legend li[data-state="overdue"] rect.dot-overdue').count()).toBe(1);
    expect(await page.locator('#map .map-legend li[data-state="close"] path.dot-close').count()).toBe(1);
    expect(await page.locator('#map .map-source').textContent()).toContain('not an official boundary');

    await page.locator('#map').screenshot({ path: `${PNG_DIR}/board-map.png` });
    expect((await runAxe(page, { include: '#map' })).violations).toEqual([]);

    // The two on one spot: a click lists them as links.
    await page.locator('#map g.cluster[data-count="2"]').click();
    const listed = page.locator('#map .map-cluster-cases a');
    await listed.first().waitFor();
    expect((await listed.evaluateAll((a) => a.map((x) => x.getAttribute('href')))).sort()).toEqual(
      [`/board/cases/${numbers.same1}`, `/board/cases/${numbers.same2}`].sort(),
    );

    // The three nearby: clicks zoom in until they part.
    // (The first click zooms to the three, away from the pair; they may part two and one first.)
    await page.locator('#map g.cluster[data-count="3"]').click();
    for (let i = 0; i < 6 && (await page.locator(`#map a[data-tracking="${numbers.near2}"]`).count()) === 0; i++)
      await page.locator('#map g.cluster').first().click();
    await page.locator(`#map a[data-tracking="${numbers.near2}"]`).waitFor();
    expect(await page.locator('#map .map-zoomed button').textContent()).toBe('Tampilkan seluruh kota');
    await page.locator('#map').screenshot({ path: `${PNG_DIR}/board-map-zoomed.png` });
    await page.locator('#map .map-zoomed button').click();
    await page.locator('#map g.cluster[data-count="3"]').waitFor();

    await page.locator(`#map a[data-tracking="${numbers.north}"]`).click();
    await page.waitForURL(`${app.baseUrl}/board/cases/${numbers.north}`);
    await page.locator('h1').filter({ hasText: numbers.north! }).waitFor({ timeout: 20_000 });
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);

  it('serves the boundary and the map of /api/stats as the OpenAPI document says, to signed-in officers', async () => {
    const boundary = await getJson(app, '/api/map/boundary', cookie);
    expect(boundary.status).toBe(200);
    expect(openapi.errors('get', '/api/map/boundary', 200, boundary.body)).toEqual([]);
    expect((boundary.body as { districts: unknown[] }).districts).toHaveLength(4);
    const stats = await getJson(app, '/api/stats', cookie);
    expect(openapi.errors('get', '/api/stats', 200, stats.body)).toEqual([]);
    expect((stats.body as { map: { base: unknown } }).map.base).toEqual({ boundary: '/api/map/boundary', tiles: null });
    const anonymous = await getJson(app, '/api/map/boundary');
    expect(anonymous.status).toBe(401);
    expect(openapi.errors('get', '/api/map/boundary', 401, anonymous.body)).toEqual([]);
  });

  it('allows no image host beyond its own without map tiles', async () => {
    const res = await fetch(`${app.baseUrl}/board`);
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' data:;");
  });
});

describe('the complaint map on map tiles from a host the city configures', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let browser: Browser;
  let cookie: string;
  let tileHost: Server;
  let tileOrigin = '';
  const tileRequests: string[] = [];
  let trackingNumber = '';

  beforeAll(async () => {
    // A tile host of its own: each tile an SVG with its z/x/y, so the picture shows the grid.
    tileHost = createServer((req, res) => {
      tileRequests.push(req.url ?? '');
      const [, z, x, y] = /^\/(\d+)\/(\d+)\/(\d+)\.svg$/.exec(req.url ?? '') ?? [];
      if (!z) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end(
        `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#dfe7d8" stroke="#9aa88f"/><text x="8" y="24" font-size="16" fill="#556">${z}/${x}/${y}</text></svg>`,
      );
    });
    await new Promise<void>((resolve) => tileHost.listen(0, '127.0.0.1', resolve));
    tileOrigin = `http://127.0.0.1:${(tileHost.address() as AddressInfo).port}`;
    const fixture = path.join(mkdtempSync(path.join(tmpdir(), 'lk-tiles-')), 'city-tiles.json');
    writeFileSync(
      fixture,
      JSON.stringify({
        map: {
          bounds: { south: 3.48, west: 98.59, north: 3.8, east: 98.75 },
          boundary: 'boundary.geojson',
          tiles: { url: `${tileOrigin}/{z}/{x}/{y}.svg`, attribution: 'Peta dasar: server ubin uji' },
        },
      }),
    );
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'9'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SESSION_SECRET: 'board-map-tiles-secret-0123456789abcd',
        CITY_DATA_DIR: writeTestCity(fixture),
      },
      { twilioHttpClient: api.httpClient() },
    );
    const officer = await seedOfficer(app, {
      name: 'Ani Inspektorat',
      role: 'inspectorate',
      departmentCode: null,
      phone: '6281100000502',
    });
    const citizen = await app.core.db.prisma.citizen.create({ data: { phone: '6281355550501' } });
    trackingNumber = await fileAt(app, citizen.id, 3.6, 98.67);
    cookie = await signIn(app, api, officer.phone);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await api.stop();
    await new Promise((resolve) => tileHost?.close(resolve));
  });

  it('draws Web Mercator tiles of the allowed host under the outline and dots, with the attribution', async () => {
    const res = await fetch(`${app.baseUrl}/board`);
    expect(res.headers.get('content-security-policy')).toContain(`img-src 'self' data: ${tileOrigin};`);

    const [context, page, problems] = await signedInPage(browser, app, cookie);
    await page.goto(`${app.baseUrl}/board`);
    await page.locator('#map path.map-outline').waitFor({ timeout: 20_000 });
    const hrefs = await page
      .locator('#map image.map-tile')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(new RegExp(`^${tileOrigin}/11/\\d+/\\d+\\.svg$`));
    expect(await page.locator('#map .map-attribution').textContent()).toBe('Peta dasar: server ubin uji');

    // Dots in the tiles' projection: the complaint sits on the pixel of its slippy-map tile.
    const mercator = (lat: number, lon: number) => {
      const n = 2 ** 11 * 256;
      const rad = (lat * Math.PI) / 180;
      return [((lon + 180) / 360) * n, ((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n] as const;
    };
    const [left, top] = mercator(3.8, 98.59);
    const [x, y] = mercator(3.6, 98.67);
    const dot = page.locator(`#map a[data-tracking="${trackingNumber}"] circle`);
    expect(Number(await dot.getAttribute('cx'))).toBeCloseTo(x - left, 6);
    expect(Number(await dot.getAttribute('cy'))).toBeCloseTo(y - top, 6);
    const tileX = Math.floor(x / 256);
    const tileY = Math.floor(y / 256);
    const under = page.locator(`#map image.map-tile[href="${tileOrigin}/11/${tileX}/${tileY}.svg"]`);
    expect(Number(await under.getAttribute('x'))).toBeCloseTo(tileX * 256 - left, 6);
    // The browser fetched it: the CSP let the tile host through (a refusal is a console error).
    await expect.poll(() => tileRequests.includes(`/11/${tileX}/${tileY}.svg`)).toBe(true);

    await page.locator('#map').screenshot({ path: `${PNG_DIR}/board-map-tiles.png` });
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
