import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { connectRedis } from '../app/connectRedis.js';
import { createLogger } from '../core/log/createLogger.js';
import { fireTimer } from '../core/sla/fireTimer.js';
import { timerId } from '../core/sla/planTimers.js';
import { SlaScheduler } from '../core/sla/SlaScheduler.js';
import { benchKeyPrefix, benchRedis, redisServers, type BenchContext } from './BenchContext.js';
import { createBenchDatabase } from './createBenchDatabase.js';
import { distribution, round } from './stats.js';

export interface TimerPass {
  hz: number;
  /** Delayed jobs in the queue when the measured timers were due. */
  pending: number;
  fired: number;
  /** Timers that fired more than once, and those that never fired. */
  duplicates?: number;
  lost?: number;
  p50LateMs: number;
  p99LateMs: number;
  maxLateMs: number;
}

export interface TimerFigures {
  pending: number;
  /** Redis's hz when the headline figures were taken (this server's own setting). */
  hz: number;
  p50LateMs: number;
  p99LateMs: number;
  maxLateMs: number;
  /** The same measurement at Redis hz 10 and hz 100. */
  byHz: TimerPass[];
  setup: string;
}

// As SlaScheduler.schedule adds them.
const JOB_OPTIONS = {
  removeOnComplete: { age: 7 * 86_400 },
  removeOnFail: { age: 30 * 86_400 },
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How late SLA timers fire with a large backlog of pending ones: the SLA queue (the product's
 * SlaScheduler queue, in a fresh prefix) is filled with timers due days to weeks ahead, then a
 * batch due within seconds is added; a worker like the SlaScheduler's (concurrency 4, firing
 * each timer through fireTimer against the database) records Date.now() - (job.timestamp +
 * job.opts.delay) for each. Repeated at Redis hz 10 and hz 100; hz is restored afterwards.
 */
export async function measureSlaTimers(ctx: BenchContext): Promise<TimerFigures> {
  const t = ctx.scale.timers;
  const db = await createBenchDatabase(ctx.city);
  ctx.defer(`database ${db.name}`, () => db.drop());
  const database = await db.open();
  const { redis, reason } = await connectRedis(benchRedis());
  if (!redis) throw new Error(`Redis is not reachable: ${reason}`);
  const logger = createLogger('warn');
  const prefix = benchKeyPrefix(ctx.prefix('sla'));
  const scheduler = new SlaScheduler({
    prisma: database.prisma,
    city: ctx.city,
    logger,
    clock: () => new Date(),
    connection: redis,
    prefix,
    dispatch: async () => undefined,
  });
  const queue = scheduler.queue;
  // On a cluster, every master's hz.
  const servers = redisServers(redis);
  const [, hzText] = (await servers[0]!.config('GET', 'hz')) as [string, string];
  const originalHz = Number(hzText);
  const setHz = (hz: number) => Promise.all(servers.map((s) => s.config('SET', 'hz', String(hz))));
  const restoreHz = ctx.defer('Redis hz', () => setHz(originalHz));
  let worker: Worker | null = null;
  try {
    const timersOf = (count: number, delayOf: (i: number) => number) =>
      Array.from({ length: count }, (_, i) => {
        const id = timerId(
          { kind: 'permit', id: randomUUID(), deadlineVersion: 0 },
          i % 3 === 0 ? 'reminder' : 'escalation',
          0,
        );
        return { name: 'fire', data: { timerId: id }, opts: { ...JOB_OPTIONS, jobId: id, delay: delayOf(i) } };
      });
    const passes = [10, 100];
    const far = t.pending - t.due;
    const started = performance.now();
    // Due between an hour and thirty days from now, as reminders and escalations of open cases are.
    const farTimers = timersOf(far, () => 3_600_000 + Math.floor(Math.random() * 29 * 86_400_000));
    for (let i = 0; i < farTimers.length; i += 2000) await queue.addBulk(farTimers.slice(i, i + 2000));
    ctx.log(`SLA timers: ${far} far-future timers added in ${round((performance.now() - started) / 1000)} s`);

    const lateness: number[] = [];
    const firedIds = new Set<string>();
    let duplicates = 0;
    worker = new Worker(
      queue.name,
      async (job: Job<{ timerId: string }>) => {
        const now = new Date();
        if (firedIds.has(job.data.timerId)) {
          duplicates++;
          return;
        }
        firedIds.add(job.data.timerId);
        lateness.push(now.getTime() - (job.timestamp + (job.opts.delay ?? 0)));
        await fireTimer(database.prisma, ctx.city, job.data.timerId, now);
      },
      { connection: redis, prefix, concurrency: 4 },
    );
    worker.on('error', (error) => ctx.log(`SLA worker error: ${error.message}`));
    await worker.waitUntilReady();

    const byHz: TimerPass[] = [];
    for (const hz of passes) {
      await setHz(hz);
      lateness.length = 0;
      duplicates = 0;
      const spacing = t.windowMs / t.due;
      await queue.addBulk(timersOf(t.due, (i) => t.leadMs + Math.round(i * spacing)));
      const pending = await queue.getDelayedCount();
      const deadline = Date.now() + t.leadMs + t.windowMs + 30_000;
      while (lateness.length < t.due && Date.now() < deadline) await sleep(100);
      // A late duplicate would come now.
      await sleep(1000);
      const d = distribution(lateness);
      byHz.push({
        hz,
        pending,
        fired: d.count,
        p50LateMs: round(d.p50),
        p99LateMs: round(d.p99),
        maxLateMs: round(d.max),
        duplicates,
        lost: t.due - d.count,
      });
      ctx.log(
        `SLA timers at hz ${hz}: ${d.count}/${t.due} fired with ${pending} pending, lateness p50 ${round(d.p50)} ms, p99 ${round(d.p99)} ms, max ${round(d.max)} ms, duplicates ${duplicates}`,
      );
      if (d.count < t.due) throw new Error(`only ${d.count} of ${t.due} timers fired at hz ${hz}`);
    }
    const headline = byHz.find((p) => p.hz === originalHz) ?? byHz[0]!;
    return {
      pending: headline.pending,
      hz: headline.hz,
      p50LateMs: headline.p50LateMs,
      p99LateMs: headline.p99LateMs,
      maxLateMs: headline.maxLateMs,
      byHz,
      setup: `${t.due} timers due over ${t.windowMs / 1000} s among ${t.pending} pending (the rest 1 h to 30 days ahead), one worker of concurrency 4 firing each through fireTimer; this Redis runs at hz ${originalHz}${servers.length > 1 ? ` (a cluster of ${servers.length} masters)` : ''}`,
    };
  } finally {
    await worker?.close();
    await restoreHz();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await scheduler.close();
    redis.disconnect();
    await database.close();
  }
}
