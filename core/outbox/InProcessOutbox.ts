import type { Logger } from '../log/createLogger.js';
import type { OutboxDispatcher } from './OutboxDispatcher.js';
import type { OutboxRelay } from './OutboxRelay.js';

/**
 * The outbox without Redis: rows are delivered by this process right after they are committed,
 * and a periodic pass retries what failed. Fine for one process on embedded defaults.
 */
export class InProcessOutbox implements OutboxDispatcher {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly relay: OutboxRelay,
    private readonly logger: Logger,
  ) {}

  async dispatch(rows: ReadonlyArray<{ id: string }>): Promise<void> {
    // Chained so replies leave in the order they were written.
    this.pending = this.pending
      .then(() => this.relay.deliver(rows.map((r) => r.id)))
      .catch((error: unknown) => this.logger.error({ err: error }, 'in-process delivery failed'));
  }

  /** Resolves when everything dispatched so far has been attempted. */
  async idle(): Promise<void> {
    await this.pending;
  }

  async close(): Promise<void> {
    await this.pending;
  }
}
