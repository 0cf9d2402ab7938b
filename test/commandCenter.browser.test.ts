import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitPermit } from '../core/cases/permitService.js';
import { recordProviderOptOut } from '../core/channels/providerOptOut.js';
import { storeMedia } from '../core/media/storeMedia.js';
import { launchChromium } from './support/chromium.js';
import { runAxe, SERIOUS } from './support/axe.js';
import { codeSentTo, seedOfficer } from './support/commandCenter.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { fileComplaint } from './support/fileComplaint.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { writeTestCity } from './support/writeTestCity.js';

// The Command Center in a real browser: Debian's Chromium, headless, driven by playwright-core,
// against the whole app (PostgreSQL, Redis, BullMQ, the Twilio SDK against a local fake). An
// officer signs in with the code the bot sends by SMS; a citizen's SMS complaint appears on the
// open board without a reload; a missed deadline turns the case overdue; the TV wall shows no
// personal data.

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';
const OFFICER_PHONE = '6281299990001';
const CITIZEN = '+6281234500001';
const CITIZEN_NAME = 'Siti Rahmawati Nasution';
const NIK = '1275014501900007';
const DESCRIPTION = 'Jalan berlubang besar di depan Pasar Baru sejak minggu lalu, motor sering jatuh';
const PLACE = 'Jl. Merdeka No. 5, depan Pasar Baru';
const OPEN311_KEY = 'browser-test-open311-key-0123';
let serial = 0;
/** axe-core's serious and critical violations of a page; it must really have checked it. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations, passes } = await runAxe(page, { impacts: SERIOUS });
  // It really checked the page (colour contrast among the rules that passed, say).
  expect(passes).toBeGreaterThan(10);
  return violations;
}

/** The one piece of the browser's window a test reads (the tests are typed without the DOM). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

describe('the Command Center in headless Chromium', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let browser: Browser;
  let board: Page;
  const pageErrors: string[] = [];
  let complaintNumber = '';

  const sms = (body: string) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, 'b')}`,
      AccountSid: ACCOUNT_SID,
      From: CITIZEN,
      To: CITY_NUMBER,
      Body: body,
    });

  /**
   * Reports script errors, refused resources (a CSP violation, say) and failed requests of a
   * page; the expected failures are /api/me before signing in and those `expected` names
   * ("429 /api/login/request").
   */
  const watch = (page: Page, expected: string[] = []) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(message.text());
    });
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      const failure = `${response.status()} ${path}`;
      if (response.status() >= 400 && failure !== '401 /api/me' && !expected.includes(failure))
        pageErrors.push(failure);
    });
  };

  beforeAll(async () => {
    await api.start();
    // No SESSION_SECRET: the app makes a random one and says so.
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: CITY_NUMBER,
        SMS_RATE_PER_SECOND: '50',
        OPEN311_API_KEYS: OPEN311_KEY,
        // A city in WITA: the board's clock must be the city's, whatever the browser's zone.
        CITY_DATA_DIR: writeTestCity('test/fixtures/city-wita.json'),
      },
      { twilioHttpClient: api.httpClient() },
    );
    await seedOfficer(app, {
      name: 'Rina Petugas PUPR',
      role: 'officer',
      departmentCode: 'PUPR',
      phone: OFFICER_PHONE,
    });
    browser = await launchChromium();
    board = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    watch(board);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await api.stop();
  });

  it('says that sessions do not survive a restart when SESSION_SECRET is unset', () => {
    expect(app.logLines.some((l) => l.includes('SESSION_SECRET is unset'))).toBe(true);
  });

  it('shows sign-in one step at a time, without a connection badge, and says plainly when the hourly code limit is reached', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    watch(page, ['429 /api/login/request']);
    await page.goto(`${app.baseUrl}/board`);
    await page.locator('#login').waitFor({ state: 'visible' });
    // Only the handle step: no code field, no "Masuk", no live badge, no clock before signing in.
    for (const hidden of ['#verify-form', '#code', '#live', '#now', '#logout'])
      expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    // A handle that names nobody: five codes an hour are asked for like any other...
    const handle = '0812-0000-0099';
    for (let i = 0; i < 5; i++) {
      await page.fill('#handle', handle);
      await page.click('#request-form button[type=submit]');
      await page.locator('#verify-form').waitFor({ state: 'visible' });
      expect(await page.locator('#request-form').isVisible()).toBe(false);
      await page.click('#restart');
      await page.locator('#request-form').waitFor({ state: 'visible' });
    }
    // ...each leaving its row once the work behind the answer is done...
    await eventually(
      async () => (await app.core.db.prisma.officerLoginCode.count({ where: { officerId: null } })) === 5,
    );
    // ...and the sixth is refused in words, with the city time to try again; no code step.
    await page.fill('#handle', handle);
    await page.click('#request-form button[type=submit]');
    await page.locator('#login-message[data-state="refused"]').waitFor();
    expect(await page.textContent('#login-message')).toMatch(
      /^Batas 5 kode per jam untuk nomor atau alamat ini tercapai\. Kode tidak dikirim lagi\. Coba lagi sekitar pukul \d\d\.\d\d WITA\.$/,
    );
    expect(await page.locator('#verify-form').isVisible()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-output/command-center-login-390.png' });
    await page.context().close();
  });

  it('signs an officer in with the code the bot sends by SMS', async () => {
    await board.goto(`${app.baseUrl}/board`);
    await board.locator('#login').waitFor({ state: 'visible' });
    expect(await board.locator('#verify-form').isVisible()).toBe(false);
    const seen = api.calls.length;
    // The officer types their number the way people do; it finds the officer all the same.
    await board.fill('#handle', '0812-9999-0001');
    await board.click('#request-form button[type=submit]');
    const code = await codeSentTo(api, OFFICER_PHONE, seen);
    await board.locator('#verify-form').waitFor({ state: 'visible' });
    await board.fill('#code', code);
    await board.click('#verify-form button[type=submit]');
    await board.locator('#board').waitFor({ state: 'visible' });
    // The role in words, not the stored value.
    expect(await board.textContent('#who')).toBe('Rina Petugas PUPR (Petugas, PUPR)');
    await board.locator('#live[data-state="live"]').waitFor();
    // The clock in the city's zone with its label, not in the browser's (UTC here).
    await board.locator('#now[data-time-zone="Asia/Makassar"]').waitFor();
    const shown = (await board.textContent('#now')) ?? '';
    expect(shown).toMatch(/^\d\d[.:]\d\d[.:]\d\d WITA$/);
    const cityHour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Makassar' });
    expect([cityHour.format(app.clock.now), cityHour.format(new Date(app.clock.now.getTime() - 60_000))]).toContain(
      shown.slice(0, 2),
    );
    const cookie = (await board.context().cookies()).find((c) => c.name === 'lk_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('opens its event stream again by itself when the server refuses it, and loads the cases then', async () => {
    // A second tab of the signed-in officer whose first stream is refused, as when every slot is
    // taken: a browser does not retry a refused EventSource, the board must.
    const tab = await board.context().newPage();
    const answers: number[] = [];
    await tab.route('**/api/events', async (route) => {
      if (answers.length === 0) {
        answers.push(429);
        await route.fulfill({
          status: 429,
          headers: { 'Retry-After': '1' },
          contentType: 'application/json',
          body: '{"error":"too_many_streams"}',
        });
      } else {
        answers.push(200);
        await route.continue();
      }
    });
    await tab.goto(`${app.baseUrl}/board`);
    await tab.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
    await tab.locator('body[data-loaded]').waitFor();
    expect(answers.slice(0, 2)).toEqual([429, 200]);
    expect(await tab.textContent('#live')).toBe('LANGSUNG');
    await tab.close();
  });

  it('shows a complaint filed by SMS within seconds, without a reload', async () => {
    // Set on the page's window: a reload would lose it.
    await board.evaluate(() => {
      (globalThis as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
    });
    // A citizen known by name and NIK from an earlier permit application, for the TV check below.
    const phone = CITIZEN.slice(1);
    const citizen = await app.core.db.prisma.citizen.create({ data: { phone, fullName: CITIZEN_NAME } });
    await app.core.db.prisma.$transaction((tx) =>
      submitPermit(
        tx,
        app.core.city,
        {
          citizenId: citizen.id,
          typeCode: 'SIUP',
          applicantName: CITIZEN_NAME,
          nik: NIK,
          phone,
          email: null,
          fields: { businessName: 'Toko Maju Jaya' },
        },
        app.clock.now,
      ),
    );
    // The dialog of complaintFlow: category, description, place, anonymous or not, confirm.
    for (const text of ['aduan', '1', DESCRIPTION, PLACE, '2', '1']) expect((await sms(text)).status).toBe(200);
    const filed = await eventually(() =>
      app.core.db.prisma.complaint.findFirst({ where: { citizenId: citizen.id }, orderBy: { createdAt: 'desc' } }),
    );
    complaintNumber = filed.trackingNumber;
    expect(filed.departmentCode).toBe('PUPR');

    const card = board.locator(`#departments [data-tracking="${complaintNumber}"]`);
    await card.waitFor({ timeout: 8000 });
    expect(await card.textContent()).toContain('Jalan rusak');
    expect(await card.getAttribute('class')).toContain('clock-on_time');
    expect(await card.textContent()).toContain('TEPAT WAKTU');
    expect(await board.evaluate(() => (globalThis as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(
      true,
    );
    // An officer of PUPR does not see the permit of another department.
    expect(await board.locator('[data-tracking^="P"]').count()).toBe(0);
  });

  it("shows a complaint's photos as linked thumbnails and the citizen's opted-out channel", async () => {
    const { prisma } = app.core.db;
    const anonymous = await prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: complaintNumber } });
    // A second, named complaint of the same citizen, with a photo kept the way the inbox keeps
    // one (a 1x1 PNG).
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const kept = await storeMedia(path.join(app.core.config.dataDir, 'media'), png, 'image/png');
    await prisma.mediaFile.create({
      data: { sha256: kept.sha256, path: kept.path, mimeType: 'image/png', sizeBytes: kept.sizeBytes },
    });
    const { trackingNumber } = await fileComplaint(prisma, app.core.city, {
      citizenId: anonymous.citizenId,
      categoryCode: 'jalan',
      description: 'Trotoar amblas di dekat halte',
      place: 'Jl. Sudirman 12',
      now: app.clock.now,
    });
    const named = await prisma.complaint.findUniqueOrThrow({ where: { trackingNumber } });
    await prisma.complaintAttachment.create({ data: { complaintId: named.id, sha256: kept.sha256 } });
    // Twilio reported the number unsubscribed (21610); then a change, so the board redraws.
    await recordProviderOptOut(prisma, app.core.logger, {
      channel: 'sms',
      address: CITIZEN.slice(1),
      reason: 'twilio-21610',
      at: app.clock.now,
    });
    await prisma.complaint.update({ where: { id: named.id }, data: { locationText: 'Jl. Sudirman 12, dekat halte' } });

    const card = board.locator(`#departments [data-tracking="${trackingNumber}"]`);
    const optOut = card.locator('.case-optout[data-opted-out="sms"]');
    await optOut.waitFor({ timeout: 8000 });
    expect(await optOut.textContent()).toMatch(
      /Tidak menerima pesan lewat SMS sejak \d{1,2} \S+ \d{4} \(nomornya berhenti berlangganan \(Twilio 21610\)\)/,
    );
    const link = card.locator('.case-photos a');
    expect(await link.getAttribute('href')).toBe(`/api/cases/${trackingNumber}/photos/${kept.sha256}`);
    expect(await link.locator('img').getAttribute('alt')).toBe(`Foto 1 dari 1, pengaduan ${trackingNumber}`);
    // The thumbnail really loads (lazily, once in view), with the officer's session.
    await link.scrollIntoViewIfNeeded();
    await board.waitForFunction(
      (selector) => {
        const page = globalThis as unknown as { document: { querySelector(s: string): unknown } };
        const img = page.document.querySelector(selector) as { complete: boolean; naturalWidth: number } | null;
        return img !== null && img.complete && img.naturalWidth === 1;
      },
      `#departments [data-tracking="${trackingNumber}"] .case-photos img`,
      { timeout: 8000 },
    );
    // The anonymous complaint of the same citizen says nothing of them, and has no photo.
    const other = board.locator(`#departments [data-tracking="${complaintNumber}"]`);
    expect(await other.locator('.case-optout, .case-photos').count()).toBe(0);
  });

  it('turns a case past its deadline overdue, in red and in words, and lists it as overdue', async () => {
    await app.core.db.prisma.complaint.update({
      where: { trackingNumber: complaintNumber },
      data: { deadlineAt: new Date(app.clock.now.getTime() - 3 * 3_600_000) },
    });
    const card = board.locator(`#departments [data-tracking="${complaintNumber}"].clock-overdue`);
    await card.waitFor({ timeout: 8000 });
    expect(await card.textContent()).toContain('TERLAMBAT');
    expect(await card.textContent()).toMatch(/lewat 3 jam/);
    await board.locator(`#overdue-list [data-overdue="${complaintNumber}"]`).waitFor();
    const colour = await card
      .locator('.badge')
      .evaluate((e) => (globalThis as unknown as BrowserWindow).getComputedStyle(e).backgroundColor);
    // #c62828: white on it is 5.6:1 (WCAG AA).
    expect(colour).toBe('rgb(198, 40, 40)');
    expect(await board.locator('#figures tr[data-department="PUPR"] td[data-figure="overdue"]').textContent()).toBe(
      '1',
    );
  });

  it('shows a complaint filed through Open311 too, and draws the map and the chart', async () => {
    // "Peta pengaduan: 3 titik (...)": a point may be drawn alone or in a cluster with its neighbours.
    const points = async () =>
      Number(/(\d+) titik/.exec((await board.locator('#map svg.map').getAttribute('aria-label')) ?? '')?.[1] ?? 0);
    const before = await points();
    const res = await fetch(`${app.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: OPEN311_KEY,
        service_code: 'drainase',
        description: 'Selokan tersumbat, air meluap ke jalan setiap hujan',
        lat: '3.5831',
        long: '98.6712',
      }).toString(),
    });
    expect(res.status).toBe(201);
    const [created] = (await res.json()) as Array<{ service_request_id: string }>;
    const id = created!.service_request_id;
    await board.locator(`#departments [data-tracking="${id}"]`).waitFor({ timeout: 8000 });
    await eventually(async () => (await points()) === before + 1);
    expect(await board.locator('#per-day rect.bar-complaint').count()).toBe(14);
    mkdirSync('test-output', { recursive: true });
    await board.screenshot({ path: 'test-output/command-center.png', fullPage: true });
  });

  it('tells permits from complaints by pattern as well as colour, and in words', async () => {
    // Complaints are hatched, through the chart's own pattern; the legend's key is hatched too.
    expect(await board.locator('#per-day svg defs pattern#hatch-complaint').count()).toBe(1);
    const fill = await board
      .locator('#per-day rect.bar-complaint')
      .first()
      .evaluate(
        (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(e).fill,
      );
    expect(fill).toMatch(/url\(.*#hatch-complaint.*\)/);
    expect(await board.textContent('#per-day .legend')).toContain('Pengaduan, bergaris');
    // A summary in the image's label, and every day in a table for screen readers.
    expect(await board.getAttribute('#per-day svg', 'aria-label')).toMatch(
      /^Kasus masuk per hari, 14 hari sampai \d\d\/\d\d: \d+ izin dan [1-9]\d* pengaduan\.$/,
    );
    expect(await board.locator('#per-day table[data-per-day-table] tbody tr').count()).toBe(14);
  });

  it('announces each update in words in a polite live region', async () => {
    const region = board.locator('#announce[role="status"][aria-live="polite"]');
    expect(await region.textContent()).toMatch(/^Diperbarui \d\d\.\d\d WITA: [1-9]\d* kasus terbuka, 1 terlambat\.$/);
  });

  it('lets one department fill the width, its cards in columns of their own', async () => {
    const box = async (selector: string) => (await board.locator(selector).first().boundingBox())!;
    const panel = await box('#case-list');
    const list = await box('#departments');
    expect(list.width).toBeGreaterThan(panel.width * 0.9);
    const lefts = new Set(
      await board
        .locator('#departments > .case')
        .evaluateAll((cards) =>
          cards.map((c) =>
            Math.round((c as { getBoundingClientRect(): { left: number } }).getBoundingClientRect().left),
          ),
        ),
    );
    expect(lefts.size).toBeGreaterThan(1);
  });

  it('has no serious or critical axe-core violations on the signed-in board', async () => {
    expect(await seriousViolations(board)).toEqual([]);
  });

  it('fits a phone (390x844): the header wraps with the name and Keluar on screen, only the figures table scrolls sideways', async () => {
    const phone = await (
      await browser.newContext({
        viewport: { width: 390, height: 844 },
        storageState: await board.context().storageState(),
      })
    ).newPage();
    watch(phone);
    await phone.goto(`${app.baseUrl}/board`);
    await phone.locator('body[data-loaded]').waitFor();
    await phone.locator('#per-day svg').waitFor();
    const scrollWidth = await phone.evaluate(
      () =>
        (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } } }).document.scrollingElement
          .scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(390);
    for (const selector of ['#who', '#logout']) {
      const b = (await phone.locator(selector).boundingBox())!;
      expect(b.x, selector).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width, selector).toBeLessThanOrEqual(390);
    }
    const scroller = await phone.locator('.table-scroll').evaluate((e) => {
      const box = e as { scrollWidth: number; clientWidth: number };
      return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth };
    });
    expect(scroller.clientWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.screenshot({ path: 'test-output/command-center-390.png', fullPage: true });
    await phone.context().close();
  });

  it('shows the TV wall without sign-in and without any personal data', async () => {
    const tv = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    watch(tv);
    await tv.goto(`${app.baseUrl}/board/tv`);
    // The overdue complaint is in the wall's overdue list, by number only; the permit of the same
    // citizen (on time) counts in its department's bar.
    await tv.locator(`#overdue [data-tracking="${complaintNumber}"]`).waitFor({ timeout: 8000 });
    await tv.locator('#departments [data-department="DPMPTSP"] .fig-open', { hasText: /^[1-9]/ }).waitFor();
    const shown = await tv.content();
    const phone = CITIZEN.slice(1);
    for (const secret of [
      phone,
      `0${phone.slice(2)}`,
      phone.slice(-8),
      NIK,
      CITIZEN_NAME,
      'Rahmawati',
      DESCRIPTION.slice(0, 20),
      PLACE,
    ]) {
      expect(shown, secret).not.toContain(secret);
    }
    await tv.screenshot({ path: 'test-output/command-center-tv.png' });
    await tv.close();
  });

  it('ran without script errors or refused resources', () => {
    expect(pageErrors).toEqual([]);
  });
});
