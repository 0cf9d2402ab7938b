import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../app/connectRedis.js';
import { receiveInbound } from '../app/receiveInbound.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { freePort } from './support/freePort.js';
import type { Core } from '../core/boot.js';
import { planTimers } from '../core/sla/planTimers.js';
import { AppProcess } from './support/AppProcess.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { fileShortPermit } from './support/fileShortPermit.js';
import { PrivateRedisCluster, PrivateRedisSentinel } from './support/PrivateRedisCluster.js';
import { nextLocalHour, runClock } from './support/runningClock.js';
import { emailsAbout as emailsAboutCase, smsAbout as smsAboutCase, smsAndEmailEnv } from './support/smsAndEmailEnv.js';
import { SmtpSink } from './support/smtpSink.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { startWorkerProcess, type WorkerProcess } from './support/startWorkerProcess.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { writeTestCity } from './support/writeTestCity.js';
import { INSPECTORATE_EMAIL, INSPECTORATE_PHONE, SLA_CITY_FIXTURE } from './support/slaCityFixture.js';

// The queues on a Redis Cluster (three masters of the test's own on loopback ports) and behind
// Redis Sentinel: the outbox and the SLA timers with two worker processes sharing one PostgreSQL
// database and the cluster, each reply and each escalation sent exactly once, counted at the
// providers' fakes (Twilio's API, an SMTP server); the web role's rate limits counted in the
// cluster; a reply delivered through a master that Sentinel names.

const TWILIO = { accountSid: `AC${'6'.repeat(32)}`, authToken: 'test-auth-token-cluster-0123456789' };

const redisCluster = new PrivateRedisCluster();
const sink = new SmtpSink();
const twilio = new FakeTwilioApi();
let cityDir: string;

beforeAll(async () => {
  cityDir = writeTestCity(SLA_CITY_FIXTURE);
  // Without quiet hours, so that the SMS go out at any hour: a child process runs on the real clock.
  const cityFile = path.join(cityDir, 'city.json');
  const profile = JSON.parse(readFileSync(cityFile, 'utf8')) as { notifications: { quietHours: unknown } };
  profile.notifications.quietHours = { start: '00:00', end: '00:00' };
  writeFileSync(cityFile, JSON.stringify(profile));
  await Promise.all([redisCluster.start(), sink.start(), twilio.start()]);
});
afterAll(async () => {
  await Promise.all([redisCluster.stop(), sink.stop(), twilio.stop()]);
  rmSync(cityDir, { recursive: true, force: true });
});

/** An SMS from a citizen, as the SMS webhook hands it to the core. */
const sms = (core: Core, phone: string, text: string) =>
  ({
    channel: 'sms',
    address: phone,
    phone,
    externalId: `SM${randomBytes(16).toString('hex')}`,
    receivedAt: core.clock(),
    text,
  }) as const;

/**
 * Every SMS handed to the fake Twilio for these phones was handed once: each Twilio id is the
 * provider id of exactly one sent outbox row, and no call is left over (a second hand-over of a
 * row would be one). Returns the calls.
 */
async function eachSmsOnce(core: Core, phones: string[]) {
  const rows = await core.db.prisma.outboxMessage.findMany({
    where: { channel: 'sms', address: { in: phones } },
    select: { status: true, providerMessageId: true },
  });
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  const recorded = rows.flatMap((r) => (r.providerMessageId ?? '').split(',').filter(Boolean)).sort();
  const calls = twilio.calls.filter((c) => phones.some((p) => c.To === `+${p}`));
  expect(calls.map((c) => c.sid).sort()).toEqual(recorded);
  return calls;
}

describe('the outbox and SLA timers on a Redis Cluster, two worker processes', () => {
  const queuePrefix = `lktest-cluster-${randomBytes(4).toString('hex')}`;
  const clock = { now: new Date() };
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-cluster-'));
  let db: TestDatabase;
  /** The worker in the test's own process (the test files cases and messages through it)... */
  let a: WorkerProcess;
  /** ...and one as production runs it, `app/main.ts` with ROLES=worker in a child process. */
  let b: AppProcess;
  let inspect: Cluster;
  const channels = () => smsAndEmailEnv({ cityDir, smtpUrl: sink.url, twilio: TWILIO });

  beforeAll(async () => {
    runClock(clock, new Date());
    db = await createTestDatabase('postgresql', { migrated: false });
    // One after the other: the first applies the migrations.
    a = await startWorkerProcess({
      databaseUrl: db.url!,
      queuePrefix,
      clock,
      env: { ...channels(), REDIS_CLUSTER_NODES: redisCluster.nodes },
      overrides: { twilioHttpClient: twilio.httpClient() },
    });
    b = new AppProcess(
      'worker-b',
      {
        ...channels(),
        DATABASE_URL: db.url!,
        DATA_DIR: path.join(dir, 'b'),
        ROLES: 'worker',
        PORT: '0',
        LOG_LEVEL: 'info',
        PUBLIC_BASE_URL: 'http://127.0.0.1:9',
        TWILIO_API_ROOT: twilio.baseUrl,
        REDIS_CLUSTER_NODES: redisCluster.nodes,
        REDIS_KEY_PREFIX: queuePrefix,
      },
      path.join(dir, 'worker-b.log'),
    );
    await b.start();
    inspect = await redisCluster.client();
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    inspect?.disconnect();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on the cluster with every key of ours under one hash tag', async () => {
    expect(a.runtime.redis).toBeInstanceOf(Cluster);
    expect(a.runtime.keyPrefix).toBe(`{${queuePrefix}}`);
    // The first reconcile (at the workers' start) leaves its mark, beside BullMQ's keys.
    await eventually(async () => (await inspect.exists(`{${queuePrefix}}:sla:timers-rebuilt`)) === 1, 20_000);
    const keys: string[] = [];
    for (const node of inspect.nodes('master')) {
      keys.push(...(await node.keys(`*${queuePrefix}*`)));
    }
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.filter((k) => !k.startsWith(`{${queuePrefix}}:`))).toEqual([]);
    const slots = new Set(await Promise.all(keys.map((k) => inspect.cluster('KEYSLOT', k))));
    expect(slots.size).toBe(1);
  });

  it('delivers each reply exactly once, whichever process took the message', async () => {
    const phones = Array.from({ length: 12 }, (_, i) => `62857${String(700_000 + i).padStart(7, '0')}`);
    await Promise.all(phones.map((p) => receiveInbound(a.core, a.runtime, sms(a.core, p, 'halo'))));
    const { prisma } = a.core.db;
    const rows = await prisma.outboxMessage.findMany({
      where: { address: { in: phones } },
      select: { id: true, channel: true },
    });
    expect(rows.length).toBeGreaterThanOrEqual(phones.length);
    // Every row woken up again, twice: one job per row whatever is enqueued again.
    await a.runtime.dispatcher.dispatch(rows);
    await a.runtime.dispatcher.dispatch(rows);
    await eventually(
      async () =>
        (await prisma.outboxMessage.count({ where: { address: { in: phones }, status: { not: 'sent' } } })) === 0,
      30_000,
    );
    // A late duplicate would come now.
    await sleep(1000);
    const calls = await eachSmsOnce(a.core, phones);
    for (const p of phones) expect(calls.filter((c) => c.To === `+${p}`).length).toBeGreaterThan(0);
  });

  it('sends each reminder and each escalation exactly once, with both processes firing timers', async () => {
    const { prisma } = a.core.db;
    const holder = await prisma.officer.create({
      data: {
        name: 'Rina Marpaung',
        role: 'officer',
        departmentCode: 'DPMPTSP',
        channel: 'sms',
        address: '6281200077001',
        phone: '6281200077001',
      },
    });
    const cases = [];
    for (let i = 0; i < 6; i++) {
      cases.push(
        await fileShortPermit(prisma, a.core.city, {
          now: clock.now,
          // 1 s into a 4-5 s SLA: both reminders and the escalation a few seconds away.
          startedAgoMs: 1000,
          dueInMs: 3000 + i * 200,
          phone: `62813000770${String(i).padStart(2, '0')}`,
          assignedOfficerId: holder.id,
        }),
      );
    }
    // Every case scheduled twice: the timers' ids make the second a no-op.
    await a.runtime.afterCaseChanges(
      cases.map((c) => c.sla),
      [],
    );
    await a.runtime.afterCaseChanges(
      cases.map((c) => c.sla),
      [],
    );
    for (const c of cases) {
      await eventually(() => emailsAboutCase(sink, INSPECTORATE_EMAIL, c.trackingNumber)[0], 30_000);
      await eventually(() => smsAboutCase(twilio, INSPECTORATE_PHONE, c.trackingNumber)[0], 30_000);
    }
    // Every timer due so far has been taken; the reconciler runs again meanwhile.
    await a.runtime.sla!.reconcile();
    await a.runtime.sla!.reconcileOverdue();
    await eventually(
      async () => (await prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })) === 0,
      30_000,
    );
    await sleep(1500);
    for (const c of cases) {
      expect(emailsAboutCase(sink, INSPECTORATE_EMAIL, c.trackingNumber)).toHaveLength(1);
      expect(smsAboutCase(twilio, INSPECTORATE_PHONE, c.trackingNumber)).toHaveLength(1);
      const reminders = planTimers(c.sla, a.core.city.sla, c.sla.startedAt).filter((t) => t.kind === 'reminder');
      expect(smsAboutCase(twilio, holder.phone!, c.trackingNumber)).toHaveLength(reminders.length);
    }
    await eachSmsOnce(a.core, [INSPECTORATE_PHONE, holder.phone!]);
    // The timers were fired by both processes, not by one that happened to be first.
    const fired = (lines: string[]) => lines.filter((l) => l.includes('"msg":"SLA timer"')).length;
    const firedBy = [fired(a.logLines), fired(b.log().split('\n'))];
    expect(
      firedBy.every((n) => n > 0),
      `timers fired by each process: ${firedBy.join(', ')}`,
    ).toBe(true);
  });
});

describe("the web role's rate limits counted in the cluster", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startApp({ REDIS_CLUSTER_NODES: redisCluster.nodes, RATE_LIMIT_OPEN311_READ: '3' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses the fourth read in a window, from a count kept on the cluster, whichever node had its scripts', async () => {
    const get = () =>
      fetch(`${app.baseUrl}/open311/v2/services.json`).then((r) => {
        void r.body?.cancel();
        return r.status;
      });
    const inspect = await redisCluster.client();
    try {
      const seen = [];
      for (let i = 0; i < 5; i++) {
        // Each count meets a cluster without the store's scripts (a node restarted, failed over):
        // a SCRIPT LOAD on any node but the key's would leave it with NOSCRIPT.
        for (const node of inspect.nodes('master')) await node.script('FLUSH');
        seen.push(await get());
      }
      expect(seen).toEqual([200, 200, 200, 429, 429]);
      const keys: string[] = [];
      for (const node of inspect.nodes('master')) keys.push(...(await node.keys(`${app.runtime.keyPrefix}:rl:*`)));
      expect(keys).toHaveLength(1);
      expect(await inspect.get(keys[0]!)).toBe('5');
    } finally {
      inspect.disconnect();
    }
    // No store error let a request through.
    expect(app.logLines.filter((l) => l.includes('rate limit store error'))).toEqual([]);
  });
});

describe('the queues behind Redis Sentinel', () => {
  const sentinel = new PrivateRedisSentinel();
  const queuePrefix = `lktest-sentinel-${randomBytes(4).toString('hex')}`;
  const clock = { now: new Date() };
  let db: TestDatabase;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    runClock(clock, nextLocalHour(new Date(), 10));
    await sentinel.start();
    db = await createTestDatabase('postgresql', { migrated: false });
    worker = await startWorkerProcess({
      databaseUrl: db.url!,
      queuePrefix,
      clock,
      env: {
        ...smsAndEmailEnv({ cityDir, smtpUrl: sink.url, twilio: TWILIO }),
        REDIS_SENTINELS: sentinel.sentinels,
        REDIS_SENTINEL_NAME: sentinel.masterName,
      },
      overrides: { twilioHttpClient: twilio.httpClient() },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await sentinel.stop();
    await db?.drop();
  });

  it('delivers a reply through the master Sentinel names', async () => {
    const { core, runtime } = worker!;
    expect(runtime.keyPrefix).toBe(queuePrefix);
    const phone = `62857${randomUUID().replace(/\D/g, '').slice(0, 7).padEnd(7, '0')}`;
    await receiveInbound(core, runtime, sms(core, phone, 'halo'));
    await eventually(() => twilio.calls.find((c) => c.To === `+${phone}`), 20_000);
    await eventually(
      async () => (await core.db.prisma.outboxMessage.count({ where: { address: phone, status: 'sent' } })) > 0,
    );
    await eachSmsOnce(core, [phone]);
    // The keys are on the master Sentinel watches.
    const master = new Redis({ host: '127.0.0.1', port: sentinel.masterPort });
    try {
      await eventually(async () => (await master.exists(`${queuePrefix}:sla:timers-rebuilt`)) === 1, 20_000);
    } finally {
      master.disconnect();
    }
  });
});

describe('a cluster or Sentinel that is not there at start', () => {
  it('is given up at once with the reason, so the process goes on without queues', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    for (const env of [
      { REDIS_CLUSTER_NODES: nowhere },
      { REDIS_SENTINELS: nowhere, REDIS_SENTINEL_NAME: 'mymaster' },
    ]) {
      const started = Date.now();
      const connected = await connectRedis(loadConfig(env).redis!);
      expect(connected.redis).toBeNull();
      expect(connected.reason).toMatch(/startup nodes|sentinels are unreachable/i);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});
