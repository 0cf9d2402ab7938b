import type { SimulatedCitizens } from './SimulatedCitizens.js';
import type { SmsWebhookClient } from './SmsWebhookClient.js';
import { WindowTally, type LoadResult } from './runClosedLoop.js';

export interface OpenLoopOptions {
  client: SmsWebhookClient;
  citizens: SimulatedCitizens;
  /** Messages offered per second, whatever the answers do. */
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  /** Stops offering early (the run was interrupted). */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fixed offered load: message k is due at start + k / rate, sent then (or, for a citizen whose
 * previous message is still unanswered, as soon as it is), and its latency runs from the time it
 * was due to the end of its response. A server falling behind therefore shows in the latency
 * rather than slowing the senders down (no coordinated omission).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult & { offeredPerSecond: number }> {
  const { client, citizens, ratePerSecond } = options;
  const population = citizens.citizens.length;
  const interval = 1000 / ratePerSecond;
  const warmup = Math.round((options.warmupMs / 1000) * ratePerSecond);
  const total = warmup + Math.round((options.durationMs / 1000) * ratePerSecond);
  const tally = new WindowTally();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now() + 20;
  let firstDue = 0;
  let lastDone = 0;

  const launch = (k: number, due: number) => {
    const citizen = citizens.citizens[k % population]!;
    const message = citizens.next(k % population);
    const sent = citizen.busy.then(async () => {
      let outcome: Awaited<ReturnType<SmsWebhookClient['post']>> | Error;
      try {
        outcome = await client.post(message.from, message.body);
      } catch (error) {
        outcome = error as Error;
      }
      const doneAt = performance.now();
      if (k >= warmup) {
        tally.record(doneAt - due, message.kind, outcome, message.firstContact);
        lastDone = Math.max(lastDone, doneAt);
      }
    });
    citizen.busy = sent;
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };

  for (let k = 0; k < total;) {
    const now = performance.now();
    while (k < total && start + k * interval <= now) {
      const due = start + k * interval;
      if (k === warmup) firstDue = due;
      launch(k, due);
      k++;
    }
    if (k < total) await sleep(Math.max(0, start + k * interval - performance.now()));
  }
  await Promise.all(inFlight);
  const result = tally.result(Math.max(0.001, (lastDone - firstDue) / 1000));
  return { ...result, offeredPerSecond: ratePerSecond };
}
