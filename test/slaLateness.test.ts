import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityData } from '../core/city/loadCityData.js';
import { SlaScheduler } from '../core/sla/SlaScheduler.js';
import { planTimers, type SlaCase } from '../core/sla/planTimers.js';
import { captureLogger } from './support/silentLogger.js';
import { eventually } from './support/startApp.js';
import { createTestDatabase, defaultCity, type TestDatabase } from './support/testDatabase.js';
import { TEST_REDIS_URL } from './support/testRedis.js';
import { wipeRedisPrefix } from './support/wipeRedisPrefix.js';

// How late BullMQ delayed jobs fire: 1,000 SLA timers scheduled by the product's SlaScheduler
// (its job ids and options) on the real Redis, due over about five seconds, taken by a worker
// that only records when each one came. The figures are printed, not asserted: they depend on
// the machine. What is asserted is that every timer fired, and only once.

const TIMERS = 1000;
const SPREAD_MS = 5000;
/** Room to schedule them all before the first is due. */
const LEAD_MS = 1500;
const testRedis = new URL(TEST_REDIS_URL);
const REDIS = { host: testRedis.hostname, port: Number(testRedis.port || 6379), maxRetriesPerRequest: null };

/** The default city with one timer per case: the escalation at the deadline. */
const oneTimerCity: CityData = {
  ...defaultCity,
  sla: { ...defaultCity.sla, reminderFractions: [], escalation: defaultCity.sla.escalation.slice(0, 1) },
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

describe('SLA timer lateness on BullMQ delayed jobs', () => {
  const prefix = `lktest-sla-lateness-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let scheduler: SlaScheduler;
  let worker: Worker | undefined;

  beforeAll(async () => {
    // The scheduler's dependencies include the database; scheduling never reads it.
    db = await createTestDatabase('postgresql', { migrated: false });
    scheduler = new SlaScheduler({
      prisma: db.prisma,
      city: oneTimerCity,
      logger: captureLogger().logger,
      clock: () => new Date(),
      connection: REDIS,
      prefix,
      dispatch: async () => undefined,
    });
  });
  afterAll(async () => {
    await worker?.close();
    await scheduler?.close();
    const redis = new Redis(REDIS);
    await wipeRedisPrefix(redis, prefix);
    redis.disconnect();
    await db?.drop();
  });

  it(`fires ${TIMERS} timers due over ${SPREAD_MS / 1000} s, each exactly once, and reports the lateness`, async () => {
    const dueAt = new Map<string, number>();
    const fired = new Map<string, number[]>();
    worker = new Worker(
      scheduler.queue.name,
      async (job) => {
        const now = Date.now();
        const id = (job.data as { timerId: string }).timerId;
        fired.set(id, [...(fired.get(id) ?? []), now]);
      },
      // As the product's SLA worker.
      { connection: REDIS, prefix, concurrency: 4 },
    );
    await worker.waitUntilReady();

    const start = Date.now();
    const cases: SlaCase[] = Array.from({ length: TIMERS }, (_, i) => ({
      kind: 'permit',
      id: randomUUID(),
      startedAt: new Date(start - 3_600_000),
      deadlineAt: new Date(start + LEAD_MS + Math.round((i * SPREAD_MS) / (TIMERS - 1))),
      deadlineVersion: 0,
    }));
    for (const c of cases) {
      for (const t of planTimers(c, oneTimerCity.sla, new Date(start))) dueAt.set(t.id, t.fireAt.getTime());
    }
    expect(dueAt.size).toBe(TIMERS);
    for (const c of cases) await scheduler.schedule(c);
    const scheduledInMs = Date.now() - start;

    await eventually(() => fired.size === TIMERS, LEAD_MS + SPREAD_MS + 20_000);
    // A late duplicate would come now.
    await sleep(500);

    expect([...fired.keys()].sort()).toEqual([...dueAt.keys()].sort());
    expect([...fired.values()].filter((times) => times.length !== 1)).toEqual([]);

    const lateness = [...fired].map(([id, [at]]) => at! - dueAt.get(id)!).sort((a, b) => a - b);
    const early = lateness.filter((ms) => ms < 0).length;
    console.log(
      `SLA timer lateness over ${TIMERS} BullMQ delayed jobs due over ${SPREAD_MS} ms ` +
        `(scheduled in ${scheduledInMs} ms, worker concurrency 4): ` +
        `p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms, max ${lateness.at(-1)} ms, ` +
        `min ${lateness[0]} ms, early ${early}`,
    );
  });
});
