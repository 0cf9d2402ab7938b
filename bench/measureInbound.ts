import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { importLedger } from '../core/pbb/importLedger.js';
import { benchKeyPrefix, benchRedis, benchRedisEnv, CITY_DIR, type BenchContext } from './BenchContext.js';
import { createBenchDatabase } from './createBenchDatabase.js';
import { cpuPerUnit, cpuSnapshot, PostgresBackends, type CpuSnapshot } from './cpuUsage.js';
import { startFakeTwilioApi, type FakeTwilioApi } from './fakeTwilioApi.js';
import { measureBullmqAdd } from './measureBullmqAdd.js';
import { greetNewcomers, runClosedLoop, type LoadResult } from './runClosedLoop.js';
import { runOpenLoop } from './runOpenLoop.js';
import { OutboxWatch } from './OutboxWatch.js';
import { profileInbound, type InboundProfile } from './profileInbound.js';
import { readAppLog } from './readAppLog.js';
import { seedCitizensWithPermits } from './seedCitizensWithPermits.js';
import { citizenPhones, SimulatedCitizens } from './SimulatedCitizens.js';
import { countPerKind, type KindCost } from './countPerKind.js';
import { measurePgFloor } from './measurePgFloor.js';
import { measureDelivery, type DeliveryFigures } from './measureDelivery.js';
import { SmsWebhookClient, type TwilioAccount } from './SmsWebhookClient.js';
import { spawnBenchChild, type BenchChild } from './spawnBenchChild.js';
import { median, round, type Distribution } from './stats.js';

/** Replies that mean the simulated dialogue went wrong rather than a citizen being answered. */
const TROUBLE_KEYS = [
  'error.generic',
  'menu.notUnderstood',
  'menu.pickFromMenu',
  'input.badNumber',
  'pbb.notFound',
  'pbb.wrongLength',
  'track.invalidCheck',
  'track.invalidShape',
  'track.notFound',
  'flood.slowDown',
  'permit.refused',
];

export interface ClosedLoopRound {
  perSecond: number;
  latencyMs: Distribution;
  failed: number;
  errors: Record<string, number>;
  /**
   * CPU milliseconds per message, by process: the app's, this run's PostgreSQL (its database's
   * backends and the server's background processes), other databases' backends, Redis, the load
   * generator, the rest of the machine.
   */
  cpuMsPerMessage: Record<string, number>;
  /** Messages in the window that were a citizen's first (0: the window saw returning citizens only). */
  firstContacts: number;
  /** SQL statements and Redis commands the app process(es) sent per message, outbound delivery included. */
  sqlPerMessage: number;
  redisPerMessage: number;
  /**
   * Replies (outbox rows) delivered to the fake Twilio API per second in the window: when it is
   * below the inbound rate, delivery fell behind and finished after the window.
   */
  repliesSentPerSecond?: number;
}

export interface InboundFigures {
  /** Median over the rounds of messages per second at saturation (closed loop). */
  msgsPerSec: number;
  /** Latency at the fixed offered load (open loop), from each message's scheduled time. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  offeredPerSec: number;
  achievedPerSec: number;
  floorHttpPerSec: number;
  floorBullmqAddPerSec: number;
  /** PostgreSQL alone: single-row INSERT + COMMIT transactions per second from 8 connections (median of rounds). */
  floorPgTxPerSec: number;
  /** msgsPerSec / floorPgTxPerSec. */
  ratioToPgFloor: number;
  /** Statements and Redis commands per message by kind, its delivery included, one message at a time. */
  perKind: Record<string, KindCost>;
  /** Replies delivered per second by one worker process and by two, on one outbox. */
  deliveryScaling?: DeliveryFigures;
  /** msgsPerSec / floorBullmqAddPerSec. */
  ratioToBullmqFloor: number;
  ratioToHttpFloor: number;
  clients: number;
  citizens: number;
  rounds: { app: ClosedLoopRound[]; floorHttp: ClosedLoopRound[]; floorBullmqAdd: number[]; floorPgTx: number[] };
  openLoop: { completed: number; failed: number; errors: Record<string, number>; latencyMs: Distribution };
  /** Open-loop latency at half the measured saturation rate, where the app keeps up. */
  atHalfSaturation: {
    offeredPerSec: number;
    achievedPerSec: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    failed: number;
  };
  /** Messages sent in the measured closed-loop windows, by kind of dialogue. */
  dialogueMix: Record<string, number>;
  /** The first line of every reply written, by translation key: what the citizens were told. */
  replies: { total: number; byKey: Record<string, number>; trouble: Record<string, number> };
  /** Webhooks answered 200 over the whole section, and inbound messages the database recorded. */
  consistency: { answered200: number; processedInbound: number };
  /**
   * Every outbox row of the run against the fake Twilio: rows not sent by the end (lost), and
   * texts Twilio accepted beyond those the rows record (duplicates).
   */
  delivery?: { rows: number; unsent: number; smsAccepted: number; smsRecorded: number; duplicates: number };
  /** Lines the app processes logged (LOG_LEVEL=info), and how many at error level. */
  appLog: { lines: number; errors: number; firstError: string | null };
  /** SMS the fake Twilio API accepted from the outbox worker(s) during the section. */
  outboundDelivered: number;
  setup: string;
  profile?: InboundProfile;
}

export interface ScaleOutFigures {
  msgsPerSec: number;
  processes: string;
  /** msgsPerSec over the single process's. */
  vsSingleProcess: number;
  rounds: ClosedLoopRound[];
  /** The same load on one web process with the worker role in a process of its own. */
  oneWebOneWorker?: { msgsPerSec: number; rounds: ClosedLoopRound[] };
}

const PUBLIC_BASE_URL = 'https://layanan.bench.invalid';

/** One closed-loop round, with CPU and call accounting over its measurement window. */
async function closedLoopRound(
  ctx: BenchContext,
  client: SmsWebhookClient,
  citizens: SimulatedCitizens,
  processes: Record<string, BenchChild>,
  outbox: OutboxWatch | null,
  backends: PostgresBackends,
  mix?: Record<string, number>,
): Promise<ClosedLoopRound> {
  const s = ctx.scale.inbound;
  const pids = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.pid]));
  const countAll = async () => {
    const all = await Promise.all(Object.values(processes).map((p) => p.counts()));
    return all.reduce(
      (a, b) => ({
        sql: a.sql + b.sql,
        prepared: a.prepared + b.prepared,
        delivery: a.delivery + b.delivery,
        redis: a.redis + b.redis,
      }),
      { sql: 0, prepared: 0, delivery: 0, redis: 0 },
    );
  };
  let before: CpuSnapshot | null = null;
  let end: CpuSnapshot | null = null;
  let countsBefore: ReturnType<typeof countAll> | null = null;
  let countsAfter: ReturnType<typeof countAll> | null = null;
  let sentBefore: Promise<number> = Promise.resolve(0);
  let sentAfter: Promise<number> = Promise.resolve(0);
  const result: LoadResult = await runClosedLoop({
    client,
    citizens,
    clients: s.clients,
    warmupMs: s.warmupMs,
    durationMs: s.durationMs,
    signal: ctx.interrupt.signal,
    onWindow: (edge) => {
      if (edge === 'start') {
        before = cpuSnapshot(pids, backends);
        countsBefore = countAll();
        if (outbox) sentBefore = outbox.sent();
      } else {
        end = cpuSnapshot(pids, backends);
        countsAfter = countAll();
        if (outbox) sentAfter = outbox.sent();
      }
    },
  });
  const [c0, c1, s0, s1] = await Promise.all([countsBefore!, countsAfter!, sentBefore, sentAfter]);
  const per = (n: number) => round(n / Math.max(1, result.completed));
  if (mix) for (const [kind, n] of Object.entries(result.kinds)) mix[kind] = (mix[kind] ?? 0) + n;
  return {
    perSecond: round(result.perSecond),
    latencyMs: result.latencyMs,
    failed: result.failed,
    errors: result.errors,
    cpuMsPerMessage: before && end ? cpuPerUnit(before, end, result.completed) : {},
    firstContacts: result.firstContacts,
    sqlPerMessage: per(c1.sql - c0.sql),
    redisPerMessage: per(c1.redis - c0.redis),
    ...(outbox ? { repliesSentPerSecond: round((s1 - s0) / (s.durationMs / 1000)) } : {}),
  };
}

/** One line for the progress log. */
function describe(label: string, r: ClosedLoopRound): string {
  const appCpu = Object.entries(r.cpuMsPerMessage)
    .filter(([k]) => !['postgres', 'otherPostgres', 'redis', 'loadGenerator', 'otherProcesses', 'machine'].includes(k))
    .reduce((sum, [, v]) => sum + v, 0);
  const parts = [
    `${label}: ${r.perSecond}/s`,
    `p50 ${round(r.latencyMs.p50)} ms`,
    `p99 ${round(r.latencyMs.p99)} ms`,
    `failed ${r.failed}`,
    `app CPU ${round(appCpu)} ms/msg`,
    `others ${r.cpuMsPerMessage.otherProcesses ?? '?'} ms/msg`,
    `first contacts ${r.firstContacts}`,
  ];
  if (r.repliesSentPerSecond !== undefined) parts.push(`replies sent ${r.repliesSentPerSecond}/s`);
  return parts.join(', ');
}

/** One way of running the app, measured round after round beside the others. */
interface AppLayout {
  label: string;
  processes: Record<string, BenchChild>;
  client: SmsWebhookClient;
  rounds: ClosedLoopRound[];
}

/**
 * Inbound SMS end to end, beside its floors, and the same with the roles split and the web role
 * scaled out: signed Twilio webhooks from simulated citizens against the app in child processes,
 * on a fresh database with the demo PBB ledger and returning citizens with permits on file.
 * Every layout stays up for the whole section and the rounds interleave (floor HTTP, bare
 * BullMQ add, one process, 1 web + 1 worker, 2 web + 1 worker), so that a noisy neighbour
 * weighs on all of them alike.
 */
export async function measureInbound(
  ctx: BenchContext,
): Promise<{ inbound: InboundFigures; scaleOut: ScaleOutFigures }> {
  const s = ctx.scale.inbound;
  const db = await createBenchDatabase(ctx.city);
  ctx.defer(`database ${db.name}`, () => db.drop());
  const opened = await db.open();
  await importLedger(opened.prisma, createReadStream(path.join(CITY_DIR, 'pbb-sppt-demo.csv')));
  const nops = (await opened.prisma.taxObject.findMany({ select: { nop: true } })).map((r) => r.nop);
  await opened.close();

  const phones = citizenPhones(s.citizens);
  // Half the citizens have written before and have a permit on file; the other half are new.
  const cases = await seedCitizensWithPermits(
    db.url,
    ctx.city,
    phones.filter((_, i) => i % 2 === 0),
  );
  const twilioApi: FakeTwilioApi = await startFakeTwilioApi();
  ctx.defer('fake Twilio API', () => twilioApi.stop());
  const account: TwilioAccount = {
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    cityNumber: '+6281100000000',
    publicBaseUrl: PUBLIC_BASE_URL,
  };
  const logDir = path.join(ctx.scratch, 'logs');
  mkdirSync(logDir, { recursive: true });
  const appSettings = (prefix: string, roles: string, env: Record<string, string> = {}) =>
    ctx.appEnv({
      DATABASE_URL: db.url,
      ...benchRedisEnv(),
      PORT: '0',
      ROLES: roles,
      DATA_DIR: path.join(ctx.scratch, 'data'),
      CITY_DATA_DIR: CITY_DIR,
      LOG_LEVEL: 'info',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: account.accountSid,
      TWILIO_AUTH_TOKEN: account.authToken,
      TWILIO_FROM: account.cityNumber,
      PUBLIC_BASE_URL,
      // Above the inbound rate, so delivery keeps up (as it must in a steady state): the fake API takes anything.
      SMS_RATE_PER_SECOND: '1000',
      // One citizen of the bench writes far more than a person would; the flood guard would answer it instead.
      INBOUND_FLOOD_PER_MINUTE: '1000000',
      BENCH_QUEUE_PREFIX: prefix,
      BENCH_TWILIO_API_URL: twilioApi.baseUrl,
      ...env,
    });
  const appLogs: string[] = [];
  const spawnApp = async (
    label: string,
    prefix: string,
    roles: string,
    nodeFlags: string[] = [],
    env: Record<string, string> = {},
  ) => {
    const logFile = path.join(logDir, `${label}.log`);
    appLogs.push(logFile);
    const child = await spawnBenchChild('appProcess.ts', { env: appSettings(prefix, roles, env), logFile, nodeFlags });
    const stop = ctx.defer(`app process ${label}`, () => child.stop());
    return { child, stop };
  };
  const citizenOptions = { count: s.citizens, nops, cases, phones, city: ctx.city };
  /** Every client that talked to the app, to check its answers against the database. */
  const appClients: SmsWebhookClient[] = [];
  const appClient = (ports: number[], maxSockets: number) => {
    const c = new SmsWebhookClient(account, ports, maxSockets);
    appClients.push(c);
    return c;
  };

  const backends = await PostgresBackends.watch(db.url, db.name);
  ctx.defer('PostgreSQL backend watch', () => backends.close());
  const outbox = await OutboxWatch.open(db.url);
  ctx.defer('outbox watch', () => outbox.close());
  const floorServer = await spawnBenchChild('floorHttpProcess.ts', {
    env: ctx.appEnv({}),
    logFile: path.join(logDir, 'floor-http.log'),
  });
  const stopFloor = ctx.defer('floor HTTP server', () => floorServer.stop());
  const floorClient = new SmsWebhookClient(account, [floorServer.port!], s.clients);
  const floorCitizens = new SimulatedCitizens({ ...citizenOptions, seed: 1 });

  // The layouts: one process with every role, as `npm start` runs it; the worker role apart;
  // two web processes behind a round-robin with the worker apart. Each has its own queues.
  // Started together: their boots overlap (they are tsx compiling and waiting on the database).
  const full = ctx.scale.name === 'full';
  const [single, splitWeb, splitWorker, webA, webB, scaleWorker] = await Promise.all([
    spawnApp('single', ctx.prefix('single'), 'all'),
    full ? spawnApp('split-web', ctx.prefix('split'), 'web') : null,
    full ? spawnApp('split-worker', ctx.prefix('split'), 'worker') : null,
    spawnApp('scale-web-a', ctx.prefix('scale'), 'web'),
    spawnApp('scale-web-b', ctx.prefix('scale'), 'web'),
    spawnApp('scale-worker', ctx.prefix('scale'), 'worker'),
  ]);
  const stops = [single, splitWeb, splitWorker, webA, webB, scaleWorker].flatMap((p) => (p ? [p.stop] : []));
  const layouts: AppLayout[] = [
    {
      label: 'one process',
      processes: { app: single.child },
      client: appClient([single.child.port!], s.clients),
      rounds: [],
    },
  ];
  if (splitWeb && splitWorker) {
    layouts.push({
      label: '1 web + 1 worker',
      processes: { web: splitWeb.child, worker: splitWorker.child },
      client: appClient([splitWeb.child.port!], s.clients),
      rounds: [],
    });
  }
  const scale: AppLayout = {
    label: '2 web + 1 worker',
    processes: { webA: webA.child, webB: webB.child, worker: scaleWorker.child },
    client: appClient([webA.child.port!, webB.child.port!], s.clients),
    rounds: [],
  };
  layouts.push(scale);

  // One citizen population for all layouts: their dialogues go on from one layout to the next.
  const citizens = new SimulatedCitizens(citizenOptions);
  const deliveredBefore = twilioApi.accepted();
  // Warm every layout up (JIT, pools, the first SLA reconcile) before anything is recorded.
  for (const layout of layouts) {
    await runClosedLoop({
      client: layout.client,
      citizens,
      clients: s.clients,
      warmupMs: 0,
      durationMs: s.warmupMs * 2,
      signal: ctx.interrupt.signal,
    });
  }
  // Then every citizen who has not written yet does, so the measured windows see returning
  // citizens (the steady state), not a stream of first contacts: each round says how many it saw.
  const greeting = await greetNewcomers(layouts[0]!.client, citizens, s.clients, ctx.interrupt.signal);
  ctx.log(`${greeting.greeted} new citizens wrote once before the rounds (${greeting.failed} not answered)`);

  const floorHttp: ClosedLoopRound[] = [];
  const floorBullmq: number[] = [];
  const floorPg: number[] = [];
  const mix: Record<string, number> = {};
  for (let r = 1; r <= s.rounds; r++) {
    await outbox.drained();
    const floor = await closedLoopRound(ctx, floorClient, floorCitizens, { floor: floorServer }, null, backends);
    floorHttp.push(floor);
    ctx.log(describe(`round ${r}/${s.rounds} floor HTTP`, floor));
    const added = await measureBullmqAdd({
      redis: benchRedis(),
      prefix: benchKeyPrefix(ctx.prefix(`bullmq-floor-${r}`)),
      clients: s.clients,
      warmupMs: s.warmupMs,
      durationMs: s.durationMs,
      signal: ctx.interrupt.signal,
    });
    floorBullmq.push(round(added.perSecond));
    ctx.log(`round ${r}/${s.rounds} floor BullMQ add: ${round(added.perSecond)}/s`);
    const pgTx = await measurePgFloor(db.url, 8, s.durationMs);
    floorPg.push(pgTx);
    ctx.log(`round ${r}/${s.rounds} floor PostgreSQL insert+commit (8 clients): ${pgTx}/s`);
    for (const layout of layouts) {
      const pending = await outbox.drained();
      if (pending > 0) ctx.log(`${pending} SMS replies still pending before ${layout.label}`);
      const result = await closedLoopRound(
        ctx,
        layout.client,
        citizens,
        layout.processes,
        outbox,
        backends,
        layout === layouts[0] ? mix : undefined,
      );
      layout.rounds.push(result);
      ctx.log(describe(`round ${r}/${s.rounds} ${layout.label}`, result));
    }
  }
  floorClient.close();
  await stopFloor();
  for (const layout of layouts) layout.client.close();

  // Latency at a fixed offered load, on the one-process layout alone.
  await outbox.drained();
  for (const stop of stops.slice(1)) await stop();
  const msgsPerSec = median(layouts[0]!.rounds.map((r) => r.perSecond));
  const openClient = appClient([single.child.port!], 256);
  const open = await runOpenLoop({
    client: openClient,
    citizens,
    ratePerSecond: s.openLoopPerSecond,
    warmupMs: s.openLoopWarmupMs,
    durationMs: s.openLoopDurationMs,
    signal: ctx.interrupt.signal,
  });
  ctx.log(
    `open loop at ${s.openLoopPerSecond}/s: achieved ${round(open.perSecond)}/s, p50 ${round(open.latencyMs.p50)} ms, p99 ${round(open.latencyMs.p99)} ms, failed ${open.failed}`,
  );
  // The same at half the measured saturation: what latency looks like where the app keeps up.
  await outbox.drained();
  const halfRate = Math.max(1, Math.round(msgsPerSec / 2));
  const half = await runOpenLoop({
    client: openClient,
    citizens,
    ratePerSecond: halfRate,
    warmupMs: s.openLoopWarmupMs,
    durationMs: s.openLoopDurationMs,
    signal: ctx.interrupt.signal,
  });
  openClient.close();
  ctx.log(
    `open loop at ${halfRate}/s (half of saturation): p50 ${round(half.latencyMs.p50)} ms, p99 ${round(half.latencyMs.p99)} ms, failed ${half.failed}`,
  );
  // Calls per message by kind: one at a time on the one-process layout, each reply delivered.
  await outbox.drained();
  const kindClient = appClient([single.child.port!], 1);
  const perKind = await countPerKind({
    client: kindClient,
    counts: () => single.child.counts(),
    outbox,
    citizens,
    population: s.citizens,
    messages: s.perKindMessages,
    newcomers: new SimulatedCitizens({ ...citizenOptions, phones: citizenPhones(s.citizens, '+628139'), seed: 7 }),
    firstContacts: Math.min(s.citizens, Math.ceil(s.perKindMessages / 10)),
  });
  kindClient.close();
  ctx.log(
    `calls per message by kind: ${Object.entries(perKind)
      .map(
        ([kind, k]) =>
          `${kind} ${k.sqlPerMessage} SQL (${k.preparedPerMessage} prepared, ${k.deliverySqlPerMessage} delivery) / ${k.redisPerMessage} Redis (${k.messages})`,
      )
      .join(', ')}`,
  );
  await single.stop();

  // Delivery alone: one worker process, then two, on one outbox, against a provider that takes
  // its time (the fake Twilio API answering after providerLatencyMs).
  // On a database of its own: no open cases, so a worker's start (its SLA reconcile) is quick.
  const slowTwilio = await startFakeTwilioApi(s.deliveryLatencyMs);
  ctx.defer('slow fake Twilio API', () => slowTwilio.stop());
  const deliveryDb = await createBenchDatabase(ctx.city);
  ctx.defer(`database ${deliveryDb.name}`, () => deliveryDb.drop());
  await (await deliveryDb.open()).close();
  const deliveryOutbox = await OutboxWatch.open(deliveryDb.url);
  ctx.defer('delivery outbox watch', () => deliveryOutbox.close());
  const deliveryEnv = { DATABASE_URL: deliveryDb.url, BENCH_TWILIO_API_URL: slowTwilio.baseUrl };
  const deliveryScaling = await measureDelivery({
    databaseUrl: deliveryDb.url,
    outbox: deliveryOutbox,
    provider: slowTwilio,
    providerLatencyMs: s.deliveryLatencyMs,
    rows: s.deliveryRows,
    rounds: s.rounds,
    prefix: (name) => ctx.prefix(name),
    startWorkers: async (count, prefix) => {
      const started = await Promise.all(
        Array.from({ length: count }, (_, i) => spawnApp(`delivery-${prefix}-${i}`, prefix, 'worker', [], deliveryEnv)),
      );
      return { stop: async () => void (await Promise.all(started.map((p) => p.stop()))) };
    },
    log: (line) => ctx.log(line),
  });
  const outboundDelivered = twilioApi.accepted() - deliveredBefore;

  let profile: InboundFigures['profile'];
  if (ctx.options.profile) profile = await profileInbound(ctx, spawnApp, appClient, citizens);

  // What the citizens were told, straight from the outbox.
  const audit = new pg.Client({ connectionString: db.url });
  await audit.connect();
  const keys = await audit.query<{ key: string | null; n: string }>(
    `SELECT "replies"->0->'lines'->0->>'key' AS key, count(*) AS n FROM "OutboxMessage"
     WHERE "kind" = 'reply' GROUP BY 1 ORDER BY 2 DESC`,
  );
  const processed = await audit.query<{ n: string }>(`SELECT count(*) AS n FROM "ProcessedInbound"`);
  const rows = await audit.query<{ rows: string; unsent: string; recorded: string | null }>(
    `SELECT count(*) AS rows, count(*) FILTER (WHERE "status" <> 'sent') AS unsent,
       sum(cardinality(string_to_array("providerMessageId", ','))) AS recorded FROM "OutboxMessage"`,
  );
  await audit.end();
  const byKey: Record<string, number> = {};
  for (const row of keys.rows) byKey[row.key ?? '(none)'] = Number(row.n);
  const trouble = Object.fromEntries(TROUBLE_KEYS.filter((k) => byKey[k]).map((k) => [k, byKey[k]!]));
  const answered200 = appClients.reduce((sum, c) => sum + c.answered, 0);
  const smsAccepted = twilioApi.accepted();
  const smsRecorded = Number(rows.rows[0]?.recorded ?? 0);
  const delivery = {
    rows: Number(rows.rows[0]?.rows ?? 0),
    unsent: Number(rows.rows[0]?.unsent ?? 0),
    smsAccepted,
    smsRecorded,
    duplicates: Math.max(0, smsAccepted - smsRecorded),
  };
  ctx.log(
    `delivery: ${delivery.rows} outbox rows, ${delivery.unsent} not sent; Twilio accepted ${smsAccepted} texts, the rows record ${smsRecorded}; ${answered200} webhooks answered 2xx, ${processed.rows[0]?.n} processed`,
  );
  const logs = appLogs.map(readAppLog);
  const appLog = {
    lines: logs.reduce((sum, l) => sum + l.lines, 0),
    errors: logs.reduce((sum, l) => sum + l.errors, 0),
    firstError: logs.find((l) => l.firstError)?.firstError ?? null,
  };

  const appRounds = layouts[0]!.rounds;
  const floorHttpPerSec = median(floorHttp.map((r) => r.perSecond));
  const floorBullmqAddPerSec = median(floorBullmq);
  const floorPgTxPerSec = median(floorPg);
  const scalePerSec = median(scale.rounds.map((r) => r.perSecond));
  const split = layouts.find((l) => l.label === '1 web + 1 worker');
  return {
    inbound: {
      msgsPerSec,
      p50Ms: round(open.latencyMs.p50),
      p95Ms: round(open.latencyMs.p95),
      p99Ms: round(open.latencyMs.p99),
      maxMs: round(open.latencyMs.max),
      offeredPerSec: s.openLoopPerSecond,
      achievedPerSec: round(open.perSecond),
      floorHttpPerSec,
      floorBullmqAddPerSec,
      floorPgTxPerSec,
      ratioToPgFloor: round(msgsPerSec / floorPgTxPerSec),
      perKind,
      deliveryScaling,
      ratioToBullmqFloor: round(msgsPerSec / floorBullmqAddPerSec),
      ratioToHttpFloor: round(msgsPerSec / floorHttpPerSec),
      clients: s.clients,
      citizens: s.citizens,
      rounds: { app: appRounds, floorHttp, floorBullmqAdd: floorBullmq, floorPgTx: floorPg },
      openLoop: { completed: open.completed, failed: open.failed, errors: open.errors, latencyMs: open.latencyMs },
      atHalfSaturation: {
        offeredPerSec: halfRate,
        achievedPerSec: round(half.perSecond),
        p50Ms: round(half.latencyMs.p50),
        p95Ms: round(half.latencyMs.p95),
        p99Ms: round(half.latencyMs.p99),
        failed: half.failed,
      },
      dialogueMix: mix,
      replies: { total: Object.values(byKey).reduce((a, b) => a + b, 0), byKey, trouble },
      consistency: { answered200, processedInbound: Number(processed.rows[0]?.n ?? 0) },
      delivery,
      appLog,
      outboundDelivered,
      setup:
        'one app process (ROLES=all: web, worker, bot; LOG_LEVEL=info) on a fresh PostgreSQL database; SMS_PROVIDER=twilio against a local fake of its API; rounds interleaved with the floors and the other layouts',
      ...(profile ? { profile } : {}),
    },
    scaleOut: {
      msgsPerSec: scalePerSec,
      processes: '2 × ROLES=web behind a client-side round-robin + 1 × ROLES=worker',
      vsSingleProcess: round(scalePerSec / msgsPerSec),
      rounds: scale.rounds,
      ...(split
        ? { oneWebOneWorker: { msgsPerSec: median(split.rounds.map((r) => r.perSecond)), rounds: split.rounds } }
        : {}),
    },
  };
}
