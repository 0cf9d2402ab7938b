import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import type { InboundEvent } from '../core/conversation/types.js';
import { handleInbound } from '../core/inbox/handleInbound.js';
import { buildDigest } from '../core/sla/buildDigest.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { fileShortPermit } from './support/fileShortPermit.js';
import { nextLocalHour, runClock } from './support/runningClock.js';
import { smsAndEmailEnv } from './support/smsAndEmailEnv.js';
import { SmtpSink } from './support/smtpSink.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { TEST_REDIS_URL } from './support/testRedis.js';
import { createTestDatabase } from './support/testDatabase.js';
import { wipeRedisPrefix } from './support/wipeRedisPrefix.js';
import { writeTestCity } from './support/writeTestCity.js';

// An English-first city on data alone (city.json's `defaultLanguage: "en"`, no DEFAULT_LANGUAGE
// setting): a new citizen is answered in English, and the Inspectorate's escalation follows the
// city's language. The whole app on PostgreSQL, Redis and BullMQ; fakes only for Twilio and SMTP.

const INSPECTORATE_EMAIL = 'inspectorate@english-test.kota-contoh.go.id';
const INSPECTORATE_PHONE = '6281100000951';
const TWILIO_TOKEN = 'test-auth-token-0123456789abcdef';
const TWILIO_SID = `AC${'6'.repeat(32)}`;

describe('an English-first city', () => {
  const sink = new SmtpSink();
  const twilio = new FakeTwilioApi();
  let cityDir: string;
  let app: TestApp;
  const prisma = () => app.core.db.prisma;

  beforeAll(async () => {
    cityDir = writeTestCity('test/fixtures/city-english.json');
    await Promise.all([sink.start(), twilio.start()]);
    app = await startApp(
      {
        ...smsAndEmailEnv({
          cityDir,
          smtpUrl: sink.url,
          twilio: { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN },
          emailFrom: 'LayanKota <layankota@kota-contoh.go.id>',
        }),
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    // Out of the SMS quiet hours whenever the test runs.
    runClock(app.clock, nextLocalHour(new Date(), 10));
  });
  afterAll(async () => {
    const redis = app?.runtime.redis;
    const keys = app?.runtime.sla?.queue.opts.prefix ?? '';
    await app?.stop();
    if (redis && keys) {
      const cleaner = new Redis(TEST_REDIS_URL);
      await wipeRedisPrefix(cleaner, keys);
      cleaner.disconnect();
    }
    await Promise.all([sink.stop(), twilio.stop()]);
    rmSync(cityDir, { recursive: true, force: true });
  });

  it('answers a new citizen in English and keeps English as their language', async () => {
    expect(app.core.config.defaultLanguage).toBeUndefined();
    expect(app.core.defaultLanguage).toBe('en');
    const event: InboundEvent = {
      channel: 'sms',
      address: '6281300000951',
      text: 'halo',
      externalId: 'english-city-1',
      receivedAt: app.clock.now,
    };
    const outcome = await handleInbound(app.core.inbox, event);
    if (outcome.status !== 'handled') throw new Error(`not handled: ${outcome.status}`);
    const citizen = await prisma().citizen.findUniqueOrThrow({ where: { id: outcome.citizenId } });
    expect(citizen.language).toBe('en');
    const rows = await prisma().outboxMessage.findMany({ where: { id: { in: outcome.outboxIds } } });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.language).toBe('en');
    const text = outcome.replies.map((r) => app.core.translator.render('en', r).text).join('\n');
    expect(text).toContain('Welcome to LayanKota');
    // The SMS that went out is the English text.
    await app.runtime.dispatcher.dispatch(rows.map((r) => ({ id: r.id, channel: 'sms' as const })));
    const sms = await eventually(() => twilio.calls.find((c) => c.To === '+6281300000951'));
    expect(sms.Body).toContain('Welcome to LayanKota');
  });

  it("escalates a missed deadline to the Inspectorate by email and SMS in the city's English", async () => {
    const c = await fileShortPermit(prisma(), app.core.city, {
      now: app.clock.now,
      dueInMs: 1500,
      phone: '6281300000952',
    });
    await app.runtime.afterCaseChanges([c.sla], []);

    const email = await eventually(
      () => sink.to(INSPECTORATE_EMAIL).find((m) => m.subject.includes(c.trackingNumber)),
      15_000,
    );
    expect(email.subject).toBe(`[LayanKota] Past deadline: ${c.trackingNumber} Trading Business Licence`);
    expect(email.text).toContain(`For Inspectorate: ${c.trackingNumber} Trading Business Licence`);
    expect(email.text).toContain('missed its deadline');
    expect(email.text).not.toContain('Lewat batas waktu');
    const sms = await eventually(
      () => twilio.calls.find((m) => m.To === `+${INSPECTORATE_PHONE}` && m.Body.includes(c.trackingNumber)),
      15_000,
    );
    expect(sms.Body).toContain(`For Inspectorate: ${c.trackingNumber}`);
    const row = await prisma().outboxMessage.findFirstOrThrow({ where: { address: INSPECTORATE_EMAIL } });
    expect(row.language).toBe('en');
  });

  it("writes the digest in its level's own language: English on an Indonesian city's level marked en", async () => {
    const overdue = await fileShortPermit(prisma(), app.core.city, {
      now: app.clock.now,
      dueInMs: -6 * 3_600_000,
      startedAgoMs: 30 * 3_600_000,
      phone: '6281300000953',
    });
    const base = app.core.city;
    const [inspectorate, ...rest] = base.sla.escalation;
    const indonesianCity = {
      ...base,
      defaultLanguage: 'id' as const,
      sla: { ...base.sla, escalation: [{ ...inspectorate!, language: 'en' as const }, ...rest] },
    };
    const english = await buildDigest(prisma(), indonesianCity, app.clock.now);
    const withoutLevelLanguage = {
      ...indonesianCity,
      sla: { ...base.sla, escalation: [{ ...inspectorate!, language: undefined }, ...rest] },
    };
    const indonesian = await buildDigest(prisma(), withoutLevelLanguage, app.clock.now);
    const rows = await prisma().outboxMessage.findMany({
      where: { id: { in: [...english, ...indonesian].map((r) => r.id) } },
    });
    expect(rows.find((r) => r.id === english[0]!.id)?.language).toBe('en');
    expect(rows.find((r) => r.id === indonesian[0]!.id)?.language).toBe('id');

    await app.runtime.dispatcher.dispatch(english);
    const mail = await eventually(() =>
      sink
        .to(INSPECTORATE_EMAIL)
        .find((m) => m.subject.includes('Daily digest') && m.text.includes(overdue.trackingNumber)),
    );
    expect(mail.text).toContain(`${overdue.trackingNumber} Trading Business Licence (DPMPTSP), 6 hours late`);
  });
});

describe("DEFAULT_LANGUAGE over the city's defaultLanguage", () => {
  it('a set DEFAULT_LANGUAGE wins for citizens; the city data keeps its own (for staff texts)', async () => {
    const cityDir = writeTestCity('test/fixtures/city-english.json');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lk-lang-'));
    const db = await createTestDatabase('postgresql', { migrated: false });
    try {
      const core = await boot(
        loadConfig({ DATABASE_URL: db.url!, DATA_DIR: dataDir, CITY_DATA_DIR: cityDir, DEFAULT_LANGUAGE: 'id' }),
        { channels: CHANNEL_CAPABILITIES },
      );
      try {
        expect(core.defaultLanguage).toBe('id');
        expect(core.inbox.defaultLanguage).toBe('id');
        expect(core.city.defaultLanguage).toBe('en');
        const outcome = await handleInbound(core.inbox, {
          channel: 'sms',
          address: '6281300000954',
          text: 'halo',
          externalId: 'english-city-override-1',
          receivedAt: new Date(),
        });
        if (outcome.status !== 'handled') throw new Error(`not handled: ${outcome.status}`);
        const citizen = await core.db.prisma.citizen.findUniqueOrThrow({ where: { id: outcome.citizenId } });
        expect(citizen.language).toBe('id');
      } finally {
        await core.close();
      }
    } finally {
      await db.drop();
      rmSync(cityDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
