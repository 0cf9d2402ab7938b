import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
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
const AWAY_MS = 10_000;

interface RedisRig {
  app: TestApp;
  redis: PrivateRedis;
  twilio: FakeTwilioApi;
  sink: SmtpSink;
  sms(from: string, body: string): Promise<Response>;
  callsTo(address: string): FakeTwilioApi['calls'];
}

let serial = 0;

/** The whole app on a Redis of its own, with Twilio and SMTP as local fakes, for `use`. */
async function withAppOnPrivateRedis(use: (rig: RedisRig) => Promise<void>): Promise<void> {
  const redis = new PrivateRedis();
  const twilio = new FakeTwilioApi();
  const sink = new SmtpSink();
  const cityDir = writeTestCity('test/fixtures/city-faults.json');
  let app: TestApp | undefined;
  try {
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
    const started = app;
    await use({
      app: started,
      redis,
      twilio,
      sink,
      sms: (from, body) =>
        postSignedTwilio(`${started.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
          MessageSid: `SM${String(++serial).padStart(32, 'e')}`,
          AccountSid: ACCOUNT_SID,
          From: `+${from}`,
          To: FROM,
          Body: body,
        }),
      callsTo: (address) => twilio.calls.filter((c) => c.To === `+${address}`),
    });
  } finally {
    redis.resume();
    await app?.stop();
    await redis.stop();
    await Promise.all([twilio.stop(), sink.stop()]);
    rmSync(cityDir, { recursive: true, force: true });
  }
}

/**
 * A webhook is answered while Redis is killed, and while it is frozen (SIGSTOP: connected, never
 * answering); the reply goes out once Redis is back.
 */
export function webhooksWhileRedisAway(): Promise<void> {
  return withAppOnPrivateRedis(async (rig) => {
    const faults = [
      { away: () => rig.redis.kill(), back: () => rig.redis.start() },
      { away: async () => rig.redis.pause(), back: async () => rig.redis.resume() },
    ];
    for (const [i, { away, back }] of faults.entries()) {
      const citizen = `628130088${String(process.pid % 1000).padStart(3, '0')}${i}`;
      await away();
      let answeredAt = 0;
      const answered = rig.sms(citizen, 'menu').then((res) => {
        answeredAt = Date.now();
        return res;
      });
      // Redis stays away for longer than a webhook may take (Twilio gives up after 15 s).
      await sleep(AWAY_MS);
      const answeredWhileAway = answeredAt !== 0;
      await back();
      expect((await answered).status).toBe(200);
      expect(answeredWhileAway, `answered while Redis was away (fault ${i})`).toBe(true);
      // Committed before the answer: the reply is in the outbox, and goes out once Redis is back.
      await eventually(() => rig.callsTo(citizen).length > 0, 60_000);
      await sleep(1000);
      // Once each: the menu and the first-contact privacy notice, its own SMS, none sent twice.
      const bodies = rig.callsTo(citizen).map((c) => c.Body);
      expect(bodies).toHaveLength(2);
      expect(bodies.filter((b) => b.includes('PRIVASI'))).toHaveLength(1);
    }
  });
}

/**
 * After Redis restarts empty, and after a FLUSHALL, the timers of open cases are rebuilt from the
 * database within a minute: an escalation due meanwhile is sent, once.
 */
export function timersAfterRedisEmptied(): Promise<void> {
  return withAppOnPrivateRedis(async (rig) => {
    const faults = [
      async () => {
        await rig.redis.kill();
        await sleep(2000);
        await rig.redis.start();
      },
      async () => {
        const client = new Redis(rig.redis.url);
        await client.flushall();
        client.disconnect();
      },
    ];
    const { prisma } = rig.app.core.db;
    const [email] = rig.app.core.city.sla.escalation[0]!.emails;
    for (const [i, empty] of faults.entries()) {
      const permit = await fileShortPermit(prisma, rig.app.core.city, {
        now: rig.app.clock.now,
        dueInMs: 10_000,
        phone: `628130088${String(process.pid % 1000).padStart(3, '0')}${i + 5}`,
      });
      await rig.app.runtime.afterCaseChanges([permit.sla], []);
      await empty();
      const about = () => rig.sink.to(email!).filter((m) => m.subject.includes(permit.trackingNumber));
      await eventually(() => about().length > 0, permit.sla.deadlineAt.getTime() - Date.now() + 60_000);
      await sleep(2000);
      expect(about(), `escalation after fault ${i}`).toHaveLength(1);
    }
  });
}
