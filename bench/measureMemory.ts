import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { formatNop } from '../core/domain/nop.js';
import { importLedger } from '../core/pbb/importLedger.js';
import { PrivateRedis } from '../test/support/PrivateRedis.js';
import { startAppProcess, type AppMemory, type AppProcess } from './appCommand.js';
import { CITY_DIR, type BenchContext } from './BenchContext.js';
import { createBenchDatabase } from './createBenchDatabase.js';
import { startFakeTwilioApi } from './fakeTwilioApi.js';
import { seedOpenCases } from './seedOpenCases.js';
import { SmsWebhookClient } from './SmsWebhookClient.js';
import { round } from './stats.js';

/** One moment's memory of the app process, in MB. */
export interface MemoryPoint {
  /** VmRSS, as the kernel counts it. */
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory of C++ objects tied to JavaScript ones (Buffers, the query compiler's WebAssembly memory among them). */
  externalMb: number;
}

export interface MemoryFigures {
  /** Resident memory of the app process after boot, the first SLA reconcile and a round of messages, settled. */
  rssMb: number;
  rssAfterBootMb: number;
  /** Once the first SLA reconcile has put every open case's timers in Redis. */
  rssAfterReconcileMb: number;
  /** The highest resident memory while the messages were answered. */
  rssUnderLoadMb: number;
  /** The same moments, with the heap's share. */
  points: { afterBoot: MemoryPoint; afterReconcile: MemoryPoint; settled: MemoryPoint; afterGc: MemoryPoint };
  /** How the app was started (bench/appCommand.ts). */
  command: string;
  /** The highest resident memory seen, polled every 250 ms from boot on. */
  rssPeakMb: number;
  /** After a full garbage collection at the end: what the process holds on to. */
  rssAfterGcMb: number;
  heapUsedMb: number;
  heapUsedAfterGcMb: number;
  /** The worker role's first SLA reconcile, which schedules every open case's timers at start. */
  slaReconcile: { seconds: number; jobs: number; finished: boolean };
  openCases: number;
  conversations: number;
  messagesHandled: number;
  /** The ROLES of the process measured (BENCH_MEMORY_ROLES; all by default). */
  roles?: string;
  /** The app's CPU time from start to the end (reconcile and messages), in seconds: what a heap cap costs in collections. */
  appCpuSeconds?: number;
  /** The app's CPU per message while it answered and delivered them, in ms (at 10 ms tick resolution over the whole round). */
  appCpuMsPerMessage?: number;
  /** What the same data takes beside the app: Redis's used_memory at the end, and the database's size on disk. */
  redisUsedMb?: number;
  databaseMb?: number;
  setup: string;
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the worker role's first SLA reconcile (it adds every open case's timers, page by
 * page, right after start): until the reconcile marks the timers rebuilt in Redis.
 */
async function awaitReconcile(
  redisUrl: string,
  prefix: string,
  timeoutMs: number,
  /** When the process became ready (performance.now()). */
  since: number,
): Promise<{ seconds: number; jobs: number; finished: boolean }> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('sla', { connection: redis, prefix });
  const started = performance.now();
  const count = async () => Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
  try {
    while (performance.now() - started < timeoutMs) {
      if ((await redis.exists(`${prefix}:sla:timers-rebuilt`)) === 1) {
        return { seconds: (performance.now() - since) / 1000, jobs: await count(), finished: true };
      }
      await sleep(250);
    }
    return { seconds: (performance.now() - since) / 1000, jobs: await count(), finished: false };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/**
 * BENCH_MEMORY_OPEN_CASES and BENCH_MEMORY_CONVERSATIONS measure another city's size than the
 * scale's (a city of 300,000 residents has a few thousand cases open, not 100,000).
 */
function sizeFromEnv(): { openCases?: number; conversations?: number } {
  const read = (name: string) => {
    const text = process.env[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0, not ${text}`);
    return value;
  };
  const openCases = read('BENCH_MEMORY_OPEN_CASES');
  const conversations = read('BENCH_MEMORY_CONVERSATIONS');
  return { ...(openCases && { openCases }), ...(conversations && { conversations }) };
}

/** Redis's own count of the memory its data takes (INFO memory's used_memory), in MB. */
async function redisUsedMb(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    const info = await redis.info('memory');
    return round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / MB);
  } finally {
    redis.disconnect();
  }
}

function pointOf(rss: number, m: AppMemory): MemoryPoint {
  return {
    rssMb: round(rss / MB),
    heapUsedMb: round(m.heapUsed / MB),
    heapTotalMb: round(m.heapTotal / MB),
    externalMb: round(m.external / MB),
  };
}

async function pointNow(app: AppProcess, afterGc = false): Promise<MemoryPoint> {
  const m = afterGc ? await app.memoryAfterGc() : await app.memory();
  return pointOf(app.rss(), m);
}

/**
 * Resident memory of the app (boot and runtime, every role, in a child process) with a large
 * city on file: open cases and conversations under way, seeded in bulk into a fresh database;
 * then citizens of those conversations write (continuing them) so caches and pools are warm.
 */
export async function measureMemory(ctx: BenchContext): Promise<MemoryFigures> {
  const m = { ...ctx.scale.memory, ...sizeFromEnv() };
  const db = await createBenchDatabase(ctx.city);
  ctx.defer(`database ${db.name}`, () => db.drop());
  const opened = await db.open();
  await importLedger(opened.prisma, createReadStream(path.join(CITY_DIR, 'pbb-sppt-demo.csv')));
  const nops = (await opened.prisma.taxObject.findMany({ select: { nop: true } })).map((r) => r.nop);
  await opened.close();
  const started = performance.now();
  const seeded = await seedOpenCases(db.url, ctx.city, { openCases: m.openCases, conversations: m.conversations });
  ctx.log(
    `memory: seeded ${seeded.permits} permits, ${seeded.complaints} complaints, ${m.conversations} conversations in ${round((performance.now() - started) / 1000)} s`,
  );

  const twilioApi = await startFakeTwilioApi();
  const stopTwilio = ctx.defer('fake Twilio API', () => twilioApi.stop());
  const account = {
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    cityNumber: '+6281100000000',
    publicBaseUrl: 'https://layanan.bench.invalid',
  };
  const logDir = path.join(ctx.scratch, 'logs');
  mkdirSync(logDir, { recursive: true });
  // A Redis of its own: the app runs as production does, with its default queue prefix.
  const redis = new PrivateRedis();
  await redis.start();
  const stopRedis = ctx.defer('private Redis of the memory run', () => redis.stop());
  const prefix = 'layankota';
  // BENCH_MEMORY_ROLES measures one role apart (web, or worker,bot): a process without the worker
  // role has no reconcile to wait for; one without the web role takes no messages.
  const roles = process.env.BENCH_MEMORY_ROLES ?? 'all';
  const worker = roles === 'all' || roles.split(',').includes('worker');
  const web = roles === 'all' || roles.split(',').includes('web');
  const app = await startAppProcess({
    env: ctx.appEnv({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      PORT: '0',
      ROLES: roles,
      DATA_DIR: path.join(ctx.scratch, 'data'),
      CITY_DATA_DIR: CITY_DIR,
      LOG_LEVEL: 'info',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: account.accountSid,
      TWILIO_AUTH_TOKEN: account.authToken,
      TWILIO_FROM: account.cityNumber,
      TWILIO_API_ROOT: twilioApi.baseUrl,
      PUBLIC_BASE_URL: account.publicBaseUrl,
      SMS_RATE_PER_SECOND: '100',
      INBOUND_FLOOD_PER_MINUTE: '1000000',
    }),
    logFile: path.join(logDir, 'memory.log'),
  });
  const readyAt = performance.now();
  const stopApp = ctx.defer('app process memory', () => app.stop());
  try {
    let peak = 0;
    let loadPeak = 0;
    let underLoad = false;
    const sampler = setInterval(() => {
      const rss = app.rss();
      peak = Math.max(peak, rss);
      if (underLoad) loadPeak = Math.max(loadPeak, rss);
    }, 250);
    await sleep(2000);
    const afterBoot = await pointNow(app);
    ctx.log(`memory: ${app.command} after boot: ${afterBoot.rssMb} MB (heap ${afterBoot.heapUsedMb} MB)`);
    const reconcile = worker
      ? await awaitReconcile(redis.url, prefix, m.reconcileTimeoutMs, readyAt)
      : { finished: false, seconds: 0, jobs: 0 };
    const afterReconcile = await pointNow(app);
    // BENCH_HEAP_SNAPSHOT=<file>: what the heap holds at this point (a full GC first, so the
    // figures after it are kinder than they would be; for finding what holds memory, not for the table).
    if (process.env.BENCH_HEAP_SNAPSHOT) {
      const written = await app.heapSnapshot(path.resolve(process.env.BENCH_HEAP_SNAPSHOT));
      const collected = await pointNow(app);
      ctx.log(
        `memory: heap snapshot ${written}; after its full GC ${collected.rssMb} MB (heap ${collected.heapUsedMb} MB)`,
      );
    }
    ctx.log(
      `memory: first SLA reconcile ${reconcile.finished ? 'done' : 'still running'} after ${round(reconcile.seconds)} s, ${reconcile.jobs} SLA jobs; ${afterReconcile.rssMb} MB (heap ${afterReconcile.heapUsedMb} MB)`,
    );

    // Each citizen answers where their conversation stands: the NIK the form asks for, a NOP
    // at the PBB prompt, a tracking number at the status prompt, a menu number.
    const client = new SmsWebhookClient(account, web ? [app.port!] : [], 8);
    const messages = Array.from(
      { length: web ? Math.min(m.warmMessages, seeded.conversationPhones.length) : 0 },
      (_, i) => {
        const from = seeded.conversationPhones[i]!;
        const body = [
          '1275014501900007',
          formatNop(nops[i % nops.length]!),
          `cek ${seeded.sampleCases[i % seeded.sampleCases.length]!.trackingNumber}`,
          '3',
        ][i % 4]!;
        return { from, body };
      },
    );
    let next = 0;
    underLoad = true;
    const cpuBeforeMessages = app.cpuSeconds();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < messages.length) {
          const message = messages[next++]!;
          await client.post(message.from, message.body);
        }
      }),
    );
    client.close();
    // Let the outbox worker deliver the replies, then let the process settle.
    const until = Date.now() + 30_000;
    while (worker && twilioApi.accepted() < client.answered && Date.now() < until) await sleep(200);
    underLoad = false;
    const messagesCpuMs = (app.cpuSeconds() - cpuBeforeMessages) * 1000;
    await sleep(m.settleMs);
    clearInterval(sampler);
    const settled = await pointNow(app);
    peak = Math.max(peak, settled.rssMb * MB);
    const afterGc = await pointNow(app, true);
    const footprint = {
      appCpuSeconds: round(app.cpuSeconds()),
      ...(client.answered > 0 && { appCpuMsPerMessage: round(messagesCpuMs / client.answered) }),
      redisUsedMb: await redisUsedMb(redis.url),
      databaseMb: await db.sizeMb(),
    };
    ctx.log(
      `memory: the app used ${footprint.appCpuSeconds} s of CPU (${footprint.appCpuMsPerMessage ?? '-'} ms per message answered and delivered); beside it, Redis uses ${footprint.redisUsedMb} MB and the database takes ${footprint.databaseMb} MB`,
    );
    return {
      rssMb: settled.rssMb,
      rssAfterBootMb: afterBoot.rssMb,
      rssAfterReconcileMb: afterReconcile.rssMb,
      rssUnderLoadMb: round(loadPeak / MB),
      rssPeakMb: round(peak / MB),
      rssAfterGcMb: afterGc.rssMb,
      heapUsedMb: settled.heapUsedMb,
      heapUsedAfterGcMb: afterGc.heapUsedMb,
      points: { afterBoot, afterReconcile, settled, afterGc },
      command: app.command,
      slaReconcile: { seconds: round(reconcile.seconds), jobs: reconcile.jobs, finished: reconcile.finished },
      openCases: seeded.permits + seeded.complaints,
      conversations: m.conversations,
      messagesHandled: client.answered,
      roles,
      ...footprint,
      setup: `one app process (${app.command}, ROLES=${roles}, LOG_LEVEL=info, PostgreSQL, its own Redis) after boot, its first SLA reconcile and ${client.answered} messages continuing seeded conversations; ${seeded.permits} open permits and ${seeded.complaints} open complaints of ${seeded.citizens} citizens and ${m.conversations} conversations under way on file`,
    };
  } finally {
    await stopApp();
    await stopTwilio();
    await stopRedis();
  }
}
