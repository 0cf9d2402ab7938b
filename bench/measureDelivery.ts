import pg from 'pg';
import { connectRedis } from '../app/connectRedis.js';
import { createLogger } from '../core/log/createLogger.js';
import { BullOutbox } from '../core/outbox/BullOutbox.js';
import { benchKeyPrefix, benchRedis } from './BenchContext.js';
import type { FakeTwilioApi } from './fakeTwilioApi.js';
import type { OutboxWatch } from './OutboxWatch.js';
import { median, round } from './stats.js';

/** Replies delivered per second by one worker process and by two, on one outbox. */
export interface DeliveryFigures {
  rows: number;
  /** The fake Twilio API's time to accept each message. */
  providerLatencyMs: number;
  oneWorkerPerSec: number;
  twoWorkersPerSec: number;
  /** twoWorkersPerSec / oneWorkerPerSec. */
  speedup: number;
  /** Texts the provider accepted beyond the rows (a reply sent twice), over every round. */
  duplicates: number;
  rounds: Array<{ workers: number; perSecond: number; seconds: number }>;
}

/**
 * Each round: `rows` pending SMS replies to as many numbers are written, then woken at once
 * (their jobs added in bulk, as the web role's wake-ups would), and the worker processes deliver
 * them to a fake Twilio API that takes `providerLatencyMs` per message; the time runs until the
 * database says none is pending. One worker and two, interleaved, `rounds` times each.
 */
export async function measureDelivery(options: {
  databaseUrl: string;
  outbox: OutboxWatch;
  provider: FakeTwilioApi;
  providerLatencyMs: number;
  rows: number;
  rounds: number;
  prefix: (name: string) => string;
  startWorkers: (count: number, prefix: string) => Promise<{ stop(): Promise<void> }>;
  log: (line: string) => void;
}): Promise<DeliveryFigures> {
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  const { redis, reason } = await connectRedis(benchRedis());
  if (!redis) throw new Error(`Redis is not reachable: ${reason}`);
  const logger = createLogger('warn');
  const rounds: DeliveryFigures['rounds'] = [];
  let duplicates = 0;
  try {
    for (let r = 1; r <= options.rounds; r++) {
      for (const workers of [1, 2]) {
        const prefix = options.prefix(`delivery-${workers}-${r}`);
        const started = await options.startWorkers(workers, prefix);
        const { rows: written } = await db.query<{ id: string }>(
          `INSERT INTO "OutboxMessage" ("id", "channel", "address", "language", "kind", "replies")
           SELECT gen_random_uuid(), 'sms', '+62819' || lpad((${r * 10 + workers} * 1000000 + i)::text, 9, '0'), 'id', 'reply',
             '[{"lines":[{"key":"menu.title"}]}]'::jsonb
           FROM generate_series(1, $1) AS i
           RETURNING id::text`,
          [options.rows],
        );
        const acceptedBefore = options.provider.accepted();
        const ids = written.map(({ id }) => ({ id, channel: 'sms' as const }));
        // Woken as the web role wakes them: the app's own dispatch, its job ids and options.
        const wakeUps = new BullOutbox({ connection: redis, prefix: benchKeyPrefix(prefix), logger });
        const t0 = performance.now();
        for (let i = 0; i < ids.length; i += 1000) await wakeUps.dispatch(ids.slice(i, i + 1000));
        const left = await options.outbox.drained(300_000, 10);
        const seconds = (performance.now() - t0) / 1000;
        await wakeUps.close();
        await started.stop();
        duplicates += Math.max(0, options.provider.accepted() - acceptedBefore - ids.length);
        const perSecond = round((ids.length - left) / seconds);
        rounds.push({ workers, perSecond, seconds: round(seconds) });
        options.log(
          `round ${r}/${options.rounds} delivery, ${workers} worker process${workers > 1 ? 'es' : ''}: ${perSecond} replies/s (${ids.length} in ${round(seconds)} s, ${left} left)`,
        );
      }
    }
  } finally {
    redis.disconnect();
    await db.end();
  }
  const one = median(rounds.filter((x) => x.workers === 1).map((x) => x.perSecond));
  const two = median(rounds.filter((x) => x.workers === 2).map((x) => x.perSecond));
  return {
    rows: options.rows,
    providerLatencyMs: options.providerLatencyMs,
    oneWorkerPerSec: one,
    twoWorkersPerSec: two,
    speedup: round(two / one),
    duplicates,
    rounds,
  };
}
