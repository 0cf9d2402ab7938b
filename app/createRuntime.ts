import { createChannelSenders, type ChannelSetup, type ProviderOverrides } from '../bots/registry.js';
import type { Core } from '../core/boot.js';
import { clusterKeyPrefix } from '../core/config/redisConfig.js';
import type { ChannelSenders } from '../core/channels/ChannelSender.js';
import { BullOutbox } from '../core/outbox/BullOutbox.js';
import { InProcessOutbox } from '../core/outbox/InProcessOutbox.js';
import type { OutboxDispatcher } from '../core/outbox/OutboxDispatcher.js';
import { OutboxRelay } from '../core/outbox/OutboxRelay.js';
import { withDeadline } from '../core/outbox/withDeadline.js';
import { SlaScheduler } from '../core/sla/SlaScheduler.js';
import type { CaseClocksChanged } from '../core/sla/caseClocks.js';
import type { SlaCase } from '../core/sla/planTimers.js';
import { connectRedis, type RedisClient } from './connectRedis.js';
import { healthFileWriter } from './healthFileWriter.js';
import { releaseHeldMessages } from './receiveInbound.js';

/** How often the worker answers messages held past a sender's flood limit, as their minute allows. */
const HELD_RELEASE_MS = 5_000;

/** The setting that says where Redis is, for the notice when it is not there. */
const REDIS_SETTING = { single: 'REDIS_URL', cluster: 'REDIS_CLUSTER_NODES', sentinel: 'REDIS_SENTINELS' } as const;

/** The moving parts around the core: channel senders, the outbox and its delivery. */
export interface Runtime {
  senders: ChannelSenders;
  relay: OutboxRelay;
  dispatcher: OutboxDispatcher;
  /** Null when Redis is not configured or not reachable; a Cluster with REDIS_CLUSTER_NODES. */
  redis: RedisClient | null;
  /**
   * The connection for commands on the way of a request (rate-limit counts): while Redis is away
   * a command fails at once instead of waiting. Null when `redis` is.
   */
  requestRedis: RedisClient | null;
  /**
   * The prefix of this runtime's keys in Redis (BullMQ's, the rate limits'); tests use their own.
   * On a cluster it is a hash tag (`{layankota}`), so that each queue's keys share a slot.
   */
  keyPrefix: string;
  /** SLA timers on BullMQ; null without Redis (the reconciler rebuilds them once Redis is back). */
  sla: SlaScheduler | null;
  /** Starts or moves the SLA timers of cases just opened or changed. */
  afterCaseChanges(opened: SlaCase[], changed: CaseClocksChanged[]): Promise<void>;
  /**
   * Starts delivering: BullMQ workers with the recovery sweep (lost and failed jobs, overdue
   * escalations, timers lost with Redis), or an in-process retry loop.
   */
  startWorker(): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  overrides?: ProviderOverrides;
  /** Key prefix instead of REDIS_KEY_PREFIX; tests use their own so they never meet each other's jobs. */
  queuePrefix?: string;
  /** Extra senders, such as the console's. */
  senders?: ChannelSenders;
  /** Where the one-line notice about a missing Redis goes. */
  notice?: (line: string) => void;
  /** The whatsapp-web.js session of the bot role, when WHATSAPP_MODE=web: replies go out through it. */
  whatsappWebClient?: ChannelSetup['whatsappWebClient'];
}

export async function createRuntime(core: Core, options: RuntimeOptions = {}): Promise<Runtime> {
  const { config } = core;
  const channels = createChannelSenders({
    config,
    cityName: core.city.name,
    whatsappWebClient: options.whatsappWebClient,
    translator: core.translator,
    overrides: options.overrides,
  });
  const senders = { ...channels.senders, ...options.senders };
  const relay = new OutboxRelay({
    prisma: core.db.prisma,
    statements: core.db.statements,
    senders,
    translator: core.translator,
    logger: core.logger,
    clock: core.clock,
    maxAttempts: config.outbox.maxAttempts,
    retryBaseMs: config.outbox.retryBaseMs,
    quietHours: { ...core.city.notifications.quietHours, timeZone: core.city.timezone },
    // The worker's heartbeats, for the image's health check (app/healthcheck.ts).
    onBeat: config.healthFile ? healthFileWriter(config.healthFile, core.logger) : undefined,
  });

  let redis: RedisClient | null = null;
  let producer: RedisClient | null = null;
  if (config.redis) {
    const connected = await connectRedis(config.redis);
    redis = connected.redis;
    producer = connected.producer;
    if (!redis) {
      (options.notice ?? ((line) => process.stderr.write(`${line}\n`)))(
        `LayanKota: Redis at ${REDIS_SETTING[config.redis.mode]} is not reachable (${connected.reason}); queues and timers are off and messages go out from this process. Start Redis (redis-server --daemonize yes) or unset ${REDIS_SETTING[config.redis.mode]}.`,
      );
    }
  }

  const prefix = options.queuePrefix ?? config.redis?.keyPrefix ?? 'layankota';
  const keyPrefix = config.redis?.mode === 'cluster' ? clusterKeyPrefix(prefix) : prefix;
  const timers: NodeJS.Timeout[] = [];
  /** Runs `task` now and then, never two at once; returns how to run it now (after a reconnect). */
  const every = (ms: number, what: string, task: () => Promise<unknown>) => {
    let running = false;
    const run = () => {
      if (running) return;
      running = true;
      task()
        .catch((error: unknown) =>
          core.logger.warn({ reason: (error as Error).message, task: what }, 'periodic task failed'),
        )
        .finally(() => {
          running = false;
        });
    };
    timers.push(setInterval(run, ms));
    return run;
  };

  if (redis && producer) {
    const workerConnection = redis;
    const producerConnection = producer;
    const bull = new BullOutbox({ connection: redis, producer, prefix: keyPrefix, logger: core.logger });
    const sla = new SlaScheduler({
      prisma: core.db.prisma,
      city: core.city,
      logger: core.logger,
      clock: core.clock,
      connection: redis,
      producer,
      prefix: keyPrefix,
      dispatch: (rows) => bull.dispatch(rows),
    });
    // Redis going away and coming back, logged once each way.
    let away = false;
    let closing = false;
    producer.on('close', () => {
      if (away || closing) return;
      away = true;
      core.logger.warn('Redis connection lost; webhooks are answered and their messages wait in the database');
    });
    let onBack: () => void = () => undefined;
    producer.on('ready', () => {
      if (!away) return;
      away = false;
      core.logger.info('Redis is back');
      onBack();
    });
    const runtime: Runtime = {
      senders,
      relay,
      dispatcher: bull,
      redis,
      requestRedis: producerConnection,
      keyPrefix,
      sla,
      async afterCaseChanges(opened, changed) {
        // On the way of a request: a Redis that is away or slow must not hold it. The timers
        // missed here come back from the database (the reconciler and the overdue watch).
        try {
          await withDeadline(
            (async () => {
              for (const c of opened) await sla.schedule(c);
              for (const c of changed) for (const clock of c.clocks ?? [c.sla]) await sla.onCaseChanged(clock);
            })(),
            1000,
          );
        } catch (error) {
          core.logger.warn(
            { cases: opened.length + changed.length, reason: (error as Error).message },
            'SLA timers not set now; the reconciler sets them from the database',
          );
        }
      },
      startWorker() {
        void relay.startHeartbeat().catch(() => undefined);
        bull.startWorkers(relay, channels.rates);
        // The database decides, the queues only wake things up: due messages without a live job
        // are enqueued again, overdue cases without their escalation get it, and timers lost with
        // Redis's data (a flush, an empty restart) are rebuilt. At start, every few seconds, and
        // at once when Redis is back after being away.
        const recover = async () => {
          bull.restartStoppedWorkers();
          sla.restartStoppedWorker();
          const requeued = await bull.sweep(relay, core.clock());
          const lost = !(await sla.timersIntact());
          if (lost) core.logger.warn('Redis lost the SLA timers (flushed, or restarted empty): rebuilding them');
          // A rebuild replaces the jobs of overdue timers as well; otherwise only those are looked at.
          const cases = lost ? await sla.reconcile() : 0;
          const escalations = lost ? 0 : await sla.reconcileOverdue();
          const found = { requeued, cases, escalations };
          if (requeued > 0 || escalations > 0) core.logger.info(found, 'recovery sweep set work going again');
          else core.logger.debug(found, 'recovery sweep');
        };
        const recoverNow = every(config.recoverySweepMs, 'recovery sweep', recover);
        const reconcileNow = every(config.slaReconcileMs, 'SLA reconcile', () => sla.reconcile());
        recoverNow();
        onBack = () => {
          recoverNow();
          // Redis may have kept its data but missed what was scheduled while it was away.
          reconcileNow();
        };
        every(HELD_RELEASE_MS, 'held inbound', () => releaseHeldMessages(core, runtime));
        sla.startWorker();
        void sla
          .reconcile()
          .catch((error: unknown) => core.logger.error({ err: error }, 'SLA start failed'))
          .finally(recoverNow);
      },
      async close() {
        closing = true;
        timers.forEach(clearInterval);
        relay.windDown();
        await sla.close();
        await bull.close();
        await relay.close();
        workerConnection.disconnect();
        producerConnection.disconnect();
      },
    };
    return runtime;
  }

  const inProcess = new InProcessOutbox(relay, core.logger);
  const runtime: Runtime = {
    senders,
    relay,
    dispatcher: inProcess,
    redis: null,
    requestRedis: null,
    keyPrefix,
    sla: null,
    async afterCaseChanges() {
      // No timers without Redis; the reconciler schedules every open case once Redis is there.
    },
    startWorker() {
      void relay.startHeartbeat().catch(() => undefined);
      every(Math.max(1000, config.outbox.retryBaseMs), 'outbox drain', () => relay.drainPending());
      every(HELD_RELEASE_MS, 'held inbound', () => releaseHeldMessages(core, runtime));
    },
    async close() {
      timers.forEach(clearInterval);
      relay.windDown();
      await inProcess.close();
      await relay.close();
    },
  };
  return runtime;
}
