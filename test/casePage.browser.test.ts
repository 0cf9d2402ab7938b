import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCaseStatus } from '../core/cases/changeCaseStatus.js';
import { launchChromium } from './support/chromium.js';
import { seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { fileComplaint } from './support/fileComplaint.js';
import { startApp, type TestApp } from './support/startApp.js';

// The case page and the reports page in headless Chromium on a phone-sized screen: drawn from
// the API, no sideways scroll, the timeline an ordered list with machine-readable times.

describe('the case page in a browser', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let browser: Browser;
  let cookie: string;
  let trackingNumber: string;

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SESSION_SECRET: 'case-page-browser-secret-0123456789ab',
      },
      { twilioHttpClient: api.httpClient() },
    );
    const prisma = app.core.db.prisma;
    const officer = await seedOfficer(app, {
      name: 'Rina DLH',
      role: 'supervisor',
      departmentCode: 'DLH',
      phone: '6281100000401',
    });
    const citizen = await prisma.citizen.create({ data: { phone: '6281355550400' } });
    const filedAt = new Date(app.clock.now.getTime() - 3_600_000);
    const complaint = await fileComplaint(prisma, app.core.city, {
      citizenId: citizen.id,
      categoryCode: 'sampah',
      description: 'Sampah menumpuk di depan sekolah dasar sejak tiga hari yang lalu tanpa diangkut petugas kebersihan',
      place: 'Jl. Sisingamangaraja No. 12, depan SD Negeri 060800 Kecamatan Medan Amplas',
      now: filedAt,
    });
    trackingNumber = complaint.trackingNumber;
    await changeCaseStatus(prisma, app.core.city, {
      trackingNumber,
      to: 'verified',
      actor: { type: 'officer', id: officer.id },
      note: 'Lokasi sudah dicek',
      now: app.clock.now,
    });
    cookie = await signIn(app, api, officer.phone);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await api.stop();
  });

  it('shows the case and the reports at 390x844 without sideways scroll', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: app.baseUrl }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

    await page.goto(`${app.baseUrl}/board/cases/${trackingNumber}`);
    await page.locator('ol.timeline li').nth(1).waitFor({ timeout: 20_000 });
    expect(await page.locator('h1').textContent()).toContain(trackingNumber);
    expect(await page.locator('ol.timeline li').count()).toBe(2);
    expect(await page.locator('ol.timeline li').nth(1).textContent()).toContain('Petugas Rina DLH');
    expect(await page.locator('ol.timeline time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await page.locator('.clocks').textContent()).toContain('WIB');
    expect(await page.locator('a[href="/board"]').count()).toBe(1);
    const overflow = () =>
      page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto(`${app.baseUrl}/board/reports`);
    await page.locator('table caption').first().waitFor({ timeout: 20_000 });
    // Totals, departments and ageing; no officer holds a case yet, which the page says in words.
    expect(await page.locator('table caption').count()).toBe(3);
    expect(await page.locator('#report').textContent()).toContain('Belum ada kasus yang dipegang petugas.');
    expect(await page.locator('#from').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
