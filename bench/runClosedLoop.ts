import type { SimulatedCitizens } from './SimulatedCitizens.js';
import type { SmsWebhookClient } from './SmsWebhookClient.js';
import { distribution, type Distribution } from './stats.js';

/** What one load run measured, over its measurement window only. */
export interface LoadResult {
  /** Responses completed in the window. */
  completed: number;
  /** Of those, answered 200 with the empty TwiML. */
  ok: number;
  failed: number;
  seconds: number;
  /** Completed responses per second. */
  perSecond: number;
  latencyMs: Distribution;
  /** Non-200 statuses and client errors seen, by name. */
  errors: Record<string, number>;
  /** Messages completed in the window by kind of dialogue. */
  kinds: Record<string, number>;
  /** Of those, first messages of a citizen who never wrote before (a steady state has none). */
  firstContacts: number;
}

export interface ClosedLoopOptions {
  client: SmsWebhookClient;
  citizens: SimulatedCitizens;
  /** Concurrent clients, each waiting for its answer before sending again. */
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** Called when the measurement window opens and closes (CPU snapshots, say). */
  onWindow?: (edge: 'start' | 'end') => void;
  /** Stops sending early (the run was interrupted). */
  signal?: AbortSignal;
}

/** Tallies completions that fall in a window. */
export class WindowTally {
  readonly latencies: number[] = [];
  readonly errors: Record<string, number> = {};
  readonly kinds: Record<string, number> = {};
  ok = 0;
  failed = 0;
  firstContacts = 0;

  record(
    latencyMs: number,
    kind: string,
    outcome: { status: number; twiml: boolean } | Error,
    firstContact = false,
  ): void {
    this.latencies.push(latencyMs);
    if (firstContact) this.firstContacts++;
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
    if (outcome instanceof Error) {
      this.failed++;
      const name = (outcome as NodeJS.ErrnoException).code ?? outcome.name;
      this.errors[name] = (this.errors[name] ?? 0) + 1;
    } else if (outcome.status === 200 && outcome.twiml) {
      this.ok++;
    } else {
      this.failed++;
      const name = `http ${outcome.status}`;
      this.errors[name] = (this.errors[name] ?? 0) + 1;
    }
  }

  result(seconds: number): LoadResult {
    const completed = this.latencies.length;
    return {
      completed,
      ok: this.ok,
      failed: this.failed,
      seconds,
      perSecond: completed / seconds,
      latencyMs: distribution(this.latencies),
      errors: this.errors,
      kinds: this.kinds,
      firstContacts: this.firstContacts,
    };
  }
}

/**
 * Saturation: `clients` concurrent senders, each sending its citizens' next messages one after
 * another as fast as the answers come. Client j speaks for citizens j, j + clients, ..., so no
 * citizen ever has two messages in flight.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const { client, citizens, clients } = options;
  const population = citizens.citizens.length;
  if (population < clients) throw new Error(`need at least ${clients} citizens, have ${population}`);
  const started = performance.now();
  const windowStart = started + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const tally = new WindowTally();
  let opened = false;
  let closed = false;
  const edges = setInterval(() => {
    const now = performance.now();
    if (!opened && now >= windowStart) {
      opened = true;
      options.onWindow?.('start');
    }
    if (!closed && now >= windowEnd) {
      closed = true;
      options.onWindow?.('end');
    }
  }, 5);

  const sender = async (j: number) => {
    let cursor = j;
    while (performance.now() < windowEnd && !options.signal?.aborted) {
      const message = citizens.next(cursor);
      cursor = (cursor + clients) % population;
      const sentAt = performance.now();
      let outcome: Awaited<ReturnType<SmsWebhookClient['post']>> | Error;
      try {
        outcome = await client.post(message.from, message.body);
      } catch (error) {
        outcome = error as Error;
      }
      const doneAt = performance.now();
      if (doneAt >= windowStart && doneAt < windowEnd)
        tally.record(doneAt - sentAt, message.kind, outcome, message.firstContact);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, j) => sender(j)));
  clearInterval(edges);
  if (!opened) options.onWindow?.('start');
  if (!closed) options.onWindow?.('end');
  return tally.result(options.durationMs / 1000);
}

/**
 * One message from every citizen who has not written yet, `clients` at a time: afterwards every
 * citizen is known to the app, so a measurement window sees the steady state of returning
 * citizens rather than first contacts. Returns how many wrote, and how many were not answered.
 */
export async function greetNewcomers(
  client: SmsWebhookClient,
  citizens: SimulatedCitizens,
  clients: number,
  signal?: AbortSignal,
): Promise<{ greeted: number; failed: number }> {
  const waiting = citizens.newcomers();
  let failed = 0;
  const sender = async () => {
    for (let i = waiting.pop(); i !== undefined && !signal?.aborted; i = waiting.pop()) {
      const message = citizens.next(i);
      const outcome = await client.post(message.from, message.body).catch((error: unknown) => error as Error);
      if (outcome instanceof Error || outcome.status !== 200) failed++;
    }
  };
  const total = waiting.length;
  await Promise.all(Array.from({ length: clients }, sender));
  return { greeted: total - waiting.length, failed };
}
