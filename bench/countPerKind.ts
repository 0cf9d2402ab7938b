import type { CallCounts } from './countCalls.js';
import type { OutboxWatch } from './OutboxWatch.js';
import type { SimulatedCitizens } from './SimulatedCitizens.js';
import type { SmsWebhookClient } from './SmsWebhookClient.js';
import { round } from './stats.js';

/** SQL statements and Redis commands one message of a kind costs, its reply's delivery included. */
export interface KindCost {
  messages: number;
  sqlPerMessage: number;
  /** Of them, named prepared statements. */
  preparedPerMessage: number;
  /** Of them, the reply's delivery (the outbox relay's statements). */
  deliverySqlPerMessage: number;
  redisPerMessage: number;
}

/**
 * Counts the calls of each kind of message: one message at a time, the app's counters read
 * before it and after its reply left (the outbox drained), so every statement between is that
 * message's. Warm citizens go on with their dialogues (`citizens`, the kinds of the run's mix);
 * `newcomers` write for the first time (kind `firstContact`). The worker's periodic work
 * (heartbeat every 5 s, sweeps) falls in some windows too: a few statements over the whole count.
 */
export async function countPerKind(options: {
  client: SmsWebhookClient;
  counts: () => Promise<CallCounts>;
  outbox: OutboxWatch;
  citizens: SimulatedCitizens;
  population: number;
  messages: number;
  newcomers: SimulatedCitizens;
  firstContacts: number;
}): Promise<Record<string, KindCost>> {
  const totals: Record<string, { messages: number; sql: number; prepared: number; delivery: number; redis: number }> =
    {};
  const one = async (kind: string, from: string, body: string) => {
    const before = await options.counts();
    await options.client.post(from, body);
    await options.outbox.drained(60_000, 5);
    const after = await options.counts();
    const t = (totals[kind] ??= { messages: 0, sql: 0, prepared: 0, delivery: 0, redis: 0 });
    t.messages += 1;
    t.sql += after.sql - before.sql;
    t.prepared += after.prepared - before.prepared;
    t.delivery += after.delivery - before.delivery;
    t.redis += after.redis - before.redis;
  };
  for (let i = 0; i < options.messages; i++) {
    const message = options.citizens.next(i % options.population);
    await one(message.kind, message.from, message.body);
  }
  for (let i = 0; i < options.firstContacts; i++) {
    const message = options.newcomers.next(i);
    await one('firstContact', message.from, message.body);
  }
  return Object.fromEntries(
    Object.entries(totals).map(([kind, t]) => [
      kind,
      {
        messages: t.messages,
        sqlPerMessage: round(t.sql / t.messages),
        preparedPerMessage: round(t.prepared / t.messages),
        deliverySqlPerMessage: round(t.delivery / t.messages),
        redisPerMessage: round(t.redis / t.messages),
      },
    ]),
  );
}
