import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { connectRedis } from '../app/connectRedis.js';
import { formatNop } from '../core/domain/nop.js';
import { importLedger } from '../core/pbb/importLedger.js';
import { CITY_DIR, REDIS_URL, type BenchContext } from './BenchContext.js';
import { createBenchDatabase } from './createBenchDatabase.js';
import { startFakeTwilioApi } from './fakeTwilioApi.js';
import { seedOpenCases } from './seedOpenCases.js';
import { SmsWebhookClient } from './SmsWebhookClient.js';
import { spawnBenchChild } from './spawnBenchChild.js';
import { round } from './stats.js';

export interface MemoryFigures {
  /** Resident memory of the app process after boot, the first SLA reconcile and a round of messages, settled. */
  rssMb: number;
  rssAfterBootMb: number;
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
  setup: string;
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the worker role's first SLA reconcile (it adds every open case's timers, one by one,
 * right after start): until the SLA queue's job count has stopped moving for three seconds.
 */
async function awaitReconcile(
  prefix: string,
  timeoutMs: number,
  /** When the process became ready (performance.now()). */
  since: number,
): Promise<{ seconds: number; jobs: number; finished: boolean }> {
  const { redis } = await connectRedis(REDIS_URL);
  if (!redis) throw new Error('Redis is not reachable');
  const queue = new Queue('sla', { connection: redis, prefix });
  const started = performance.now();
  const quietMs = 3000;
  let last = -1;
  let still = 0;
  try {
    while (performance.now() - started < timeoutMs) {
      const counts = await queue.getJobCounts();
      const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
      still = jobs === last && jobs > 0 ? still + 1 : 0;
      last = jobs;
      if (still >= quietMs / 1000)
        return { seconds: (performance.now() - quietMs - since) / 1000, jobs, finished: true };
      await sleep(1000);
    }
    return { seconds: (performance.now() - since) / 1000, jobs: last, finished: false };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/**
 * Resident memory of the app (boot and runtime, every role, in a child process) with a large
 * city on file: open cases and conversations under way, seeded in bulk into a fresh database;
 * then citizens of those conversations write (continuing them) so caches and pools are warm.
 */
export async function measureMemory(ctx: BenchContext): Promise<MemoryFigures> {
  const m = ctx.scale.memory;
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
  const app = await spawnBenchChild('appProcess.ts', {
    env: ctx.appEnv({
      DATABASE_URL: db.url,
      REDIS_URL,
      PORT: '0',
      ROLES: 'all',
      DATA_DIR: path.join(ctx.scratch, 'data'),
      CITY_DATA_DIR: CITY_DIR,
      LOG_LEVEL: 'info',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: account.accountSid,
      TWILIO_AUTH_TOKEN: account.authToken,
      TWILIO_FROM: account.cityNumber,
      PUBLIC_BASE_URL: account.publicBaseUrl,
      SMS_RATE_PER_SECOND: '100',
      INBOUND_FLOOD_PER_MINUTE: '1000000',
      BENCH_QUEUE_PREFIX: ctx.prefix('memory'),
      BENCH_TWILIO_API_URL: twilioApi.baseUrl,
    }),
    logFile: path.join(logDir, 'memory.log'),
    nodeFlags: ['--expose-gc'],
  });
  const readyAt = performance.now();
  const stopApp = ctx.defer('app process memory', () => app.stop());
  try {
    let peak = 0;
    const sampler = setInterval(() => {
      void app
        .memory()
        .then((s) => (peak = Math.max(peak, s.rss)))
        .catch(() => undefined);
    }, 250);
    await sleep(2000);
    const afterBoot = await app.memory();
    const reconcile = await awaitReconcile(ctx.prefix('memory'), m.reconcileTimeoutMs, readyAt);
    ctx.log(
      `memory: first SLA reconcile ${reconcile.finished ? 'done' : 'still running'} after ${round(reconcile.seconds)} s, ${reconcile.jobs} SLA jobs`,
    );

    // Each citizen answers where their conversation stands: the NIK the form asks for, a NOP
    // at the PBB prompt, a tracking number at the status prompt, a menu number.
    const client = new SmsWebhookClient(account, [app.port!], 8);
    const messages = Array.from({ length: Math.min(m.warmMessages, seeded.conversationPhones.length) }, (_, i) => {
      const from = seeded.conversationPhones[i]!;
      const body = [
        '1275014501900007',
        formatNop(nops[i % nops.length]!),
        `cek ${seeded.sampleCases[i % seeded.sampleCases.length]!.trackingNumber}`,
        '3',
      ][i % 4]!;
      return { from, body };
    });
    let next = 0;
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
    while (twilioApi.accepted() < client.answered && Date.now() < until) await sleep(200);
    await sleep(m.settleMs);
    clearInterval(sampler);
    const settled = await app.memory();
    peak = Math.max(peak, settled.rss);
    const collected = await app.memoryAfterGc();
    return {
      rssMb: round(settled.rss / MB),
      rssAfterBootMb: round(afterBoot.rss / MB),
      rssPeakMb: round(peak / MB),
      rssAfterGcMb: round(collected.rss / MB),
      heapUsedMb: round(settled.heapUsed / MB),
      heapUsedAfterGcMb: round(collected.heapUsed / MB),
      slaReconcile: { seconds: round(reconcile.seconds), jobs: reconcile.jobs, finished: reconcile.finished },
      openCases: seeded.permits + seeded.complaints,
      conversations: m.conversations,
      messagesHandled: client.answered,
      setup: `one app process (ROLES=all, LOG_LEVEL=info) after boot, its first SLA reconcile and ${client.answered} messages continuing seeded conversations; ${seeded.permits} open permits and ${seeded.complaints} open complaints of ${seeded.citizens} citizens on file`,
    };
  } finally {
    await stopApp();
    await stopTwilio();
  }
}
