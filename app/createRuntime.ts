import type { Redis } from 'ioredis';
import { channelRates, createChannelSenders, type ChannelSetup, type ProviderOverrides } from '../bots/registry.js';
import type { Core } from '../core/boot.js';
import type { ChannelSenders } from '../core/channels/ChannelSender.js';
import { BullOutbox } from '../core/outbox/BullOutbox.js';
import { InProcessOutbox } from '../core/outbox/InProcessOutbox.js';
import type { OutboxDispatcher } from '../core/outbox/OutboxDispatcher.js';
import { OutboxRelay } from '../core/outbox/OutboxRelay.js';
import { SlaScheduler } from '../core/sla/SlaScheduler.js';
import type { SlaCase } from '../core/sla/planTimers.js';
import { connectRedis } from './connectRedis.js';

/** The moving parts around the core: channel senders, the outbox and its delivery. */
export interface Runtime {
  senders: ChannelSenders;
  relay: OutboxRelay;
  dispatcher: OutboxDispatcher;
  /** Null when Redis is not configured or not reachable. */
  redis: Redis | null;
  /** SLA timers on BullMQ; null without Redis (the reconciler rebuilds them once Redis is back). */
  sla: SlaScheduler | null;
  /** Starts or moves the SLA timers of cases just opened or changed. */
  afterCaseChanges(opened: SlaCase[], changed: Array<{ sla: SlaCase & { running: boolean } }>): Promise<void>;
  /** Starts delivering: BullMQ workers and a sweep of lost jobs, or an in-process retry loop. */
  startWorker(): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  overrides?: ProviderOverrides;
  /** BullMQ key prefix; tests use their own so they never meet each other's jobs. */
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
  const setup = {
    sms: config.sms,
    telegram: config.telegram,
    publicBaseUrl: config.publicBaseUrl,
    cityName: core.city.name,
    whatsapp: config.whatsapp,
    email: config.email,
    whatsappWebClient: options.whatsappWebClient,
    translator: core.translator,
    overrides: options.overrides,
  };
  const senders = { ...createChannelSenders(setup), ...options.senders };
  const relay = new OutboxRelay({
    prisma: core.db.prisma,
    senders,
    translator: core.translator,
    logger: core.logger,
    clock: core.clock,
    maxAttempts: config.outbox.maxAttempts,
    quietHours: { ...core.city.notifications.quietHours, timeZone: core.city.timezone },
  });

  let redis: Redis | null = null;
  if (config.redisUrl) {
    const connected = await connectRedis(config.redisUrl);
    redis = connected.redis;
    if (!redis) {
      (options.notice ?? ((line) => process.stderr.write(`${line}\n`)))(
        `LayanKota: Redis at REDIS_URL is not reachable (${connected.reason}); queues and timers are off and messages go out from this process. Start Redis (redis-server --daemonize yes) or unset REDIS_URL.`,
      );
    }
  }

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, task: () => Promise<unknown>) => {
    let running = false;
    timers.push(
      setInterval(() => {
        if (running) return;
        running = true;
        task()
          .catch((error: unknown) => core.logger.error({ err: error }, 'periodic outbox task failed'))
          .finally(() => {
            running = false;
          });
      }, ms),
    );
  };

  if (redis) {
    const bull = new BullOutbox({
      connection: redis,
      prefix: options.queuePrefix ?? 'layankota',
      maxAttempts: config.outbox.maxAttempts,
      retryBaseMs: config.outbox.retryBaseMs,
      logger: core.logger,
    });
    const sla = new SlaScheduler({
      prisma: core.db.prisma,
      city: core.city,
      logger: core.logger,
      clock: core.clock,
      connection: redis,
      prefix: options.queuePrefix ?? 'layankota',
      dispatch: (rows) => bull.dispatch(rows),
    });
    return {
      senders,
      relay,
      dispatcher: bull,
      redis,
      sla,
      async afterCaseChanges(opened, changed) {
        for (const c of opened) await sla.schedule(c);
        for (const c of changed) await sla.onCaseChanged(c.sla);
      },
      startWorker() {
        bull.startWorkers(relay, channelRates(setup));
        // Jobs lost with Redis (a flush, a crash) are rebuilt from the pending rows, and SLA
        // timers from the open cases: at start and on a schedule.
        void bull.sweep(relay, core.clock(), 0);
        every(30_000, () => bull.sweep(relay, core.clock()));
        void sla
          .startWorker()
          .then(() => sla.reconcile())
          .catch((error: unknown) => core.logger.error({ err: error }, 'SLA start failed'));
        every(config.slaReconcileMs, () => sla.reconcile());
      },
      async close() {
        timers.forEach(clearInterval);
        await sla.close();
        await bull.close();
        redis?.disconnect();
      },
    };
  }

  const inProcess = new InProcessOutbox(relay, core.logger);
  return {
    senders,
    relay,
    dispatcher: inProcess,
    redis: null,
    sla: null,
    async afterCaseChanges() {
      // No timers without Redis; the reconciler schedules every open case once Redis is there.
    },
    startWorker() {
      every(Math.max(1000, config.outbox.retryBaseMs), () => relay.drainPending());
    },
    async close() {
      timers.forEach(clearInterval);
      await inProcess.close();
    },
  };
}
