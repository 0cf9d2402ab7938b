import { rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { fileShortPermit } from '../support/fileShortPermit.js';
import { PrivateRedis } from '../support/PrivateRedis.js';
import { runClock } from '../support/runningClock.js';
import { SmtpSink } from '../support/smtpSink.js';
import { eventually, startApp, type TestApp } from '../support/startApp.js';
import { writeTestCity } from '../support/writeTestCity.js';

// Redis killed, frozen, restarted empty or flushed under the whole app (web and worker roles in
// one process) on a Redis of the test's own. Webhooks must be answered while Redis is away, and
// the SLA timers and outbox jobs that went with its data must come back from the database.

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const FROM = '+15005550006';
/** How long Redis stays away: longer than any webhook may take. */
const AWAY_MS = 12_000;

describe('Redis away under the whole app', () => {
  const redis = new PrivateRedis();
  const twilio = new FakeTwilioApi();
  const sink = new SmtpSink();
  const cityDir = writeTestCity('test/fixtures/city-faults.json');
  let app: TestApp;
  let serial = 0;
  const sms = (from: string, body: string) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, 'e')}`,
      AccountSid: ACCOUNT_SID,
      From: `+${from}`,
      To: FROM,
      Body: body,
    });
  const callsTo = (address: string) => twilio.calls.filter((c) => c.To === `+${address}`);

  beforeAll(async () => {
    await Promise.all([redis.start(), twilio.start(), sink.start()]);
    app = await startApp({
      CITY_DATA_DIR: cityDir,
      REDIS_URL: redis.url,
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: FROM,
      TWILIO_API_ROOT: twilio.baseUrl,
      SMS_RATE_PER_SECOND: '20',
      SMTP_URL: sink.url,
      OUTBOX_RETRY_BASE_MS: '200',
      RECOVERY_SWEEP_SECONDS: '5',
    });
    runClock(app.clock, new Date());
  }, 120_000);
  afterAll(async () => {
    if (process.env.KEEP_FAULT_LOGS) writeFileSync('/tmp/redis-outage-app.log', app.logLines.join('\n'));
    redis.resume();
    await app?.stop();
    await redis.stop();
    await Promise.all([twilio.stop(), sink.stop()]);
    rmSync(cityDir, { recursive: true, force: true });
  }, 120_000);

  it.each([
    { fault: 'killed', away: () => redis.kill(), back: () => redis.start() },
    { fault: 'frozen', away: async () => redis.pause(), back: async () => redis.resume() },
  ])(
    'answers a webhook while Redis is $fault, and the reply goes out once Redis is back',
    async ({ away, back }) => {
      const citizen = `62813008800${String(serial).padStart(2, '0')}`;
      await away();
      let answeredAt = 0;
      const answered = sms(citizen, 'menu').then((res) => {
        answeredAt = Date.now();
        return res;
      });
      // Redis stays away for longer than a webhook may take (Twilio gives up after 15 s).
      await sleep(AWAY_MS);
      const answeredWhileAway = answeredAt !== 0;
      await back();
      expect((await answered).status).toBe(200);
      expect(answeredWhileAway).toBe(true);
      // Committed before the answer: the reply is in the outbox, and goes out once Redis is back.
      await eventually(() => callsTo(citizen).length > 0, 60_000);
      await sleep(1000);
      expect(callsTo(citizen)).toHaveLength(1);
    },
    120_000,
  );

  it.each([
    {
      fault: 'restarted empty',
      empty: async () => {
        await redis.kill();
        await sleep(2000);
        await redis.start();
      },
    },
    {
      fault: 'flushed',
      empty: async () => {
        const client = new Redis(redis.url);
        await client.flushall();
        client.disconnect();
      },
    },
  ])(
    'rebuilds the timers of open cases within a minute after Redis is $fault: the escalation is sent once',
    async ({ empty }) => {
      const { prisma } = app.core.db;
      const now = app.clock.now;
      const permit = await fileShortPermit(prisma, app.core.city, {
        now,
        dueInMs: 20_000,
        phone: `62813008899${String(++serial).padStart(2, '0')}`,
      });
      await app.runtime.afterCaseChanges([permit.sla], []);
      await empty();
      const [email] = app.core.city.sla.escalation[0]!.emails;
      const about = () => sink.to(email!).filter((m) => m.subject.includes(permit.trackingNumber));
      await eventually(() => about().length > 0, permit.sla.deadlineAt.getTime() - Date.now() + 60_000);
      await sleep(2000);
      expect(about()).toHaveLength(1);
    },
    150_000,
  );
});
