import { Redis } from 'ioredis';
import pg from 'pg';

/** SQL statements and Redis commands this process has sent so far. */
export interface CallCounts {
  sql: number;
  /** Of `sql`, those sent as named prepared statements (core/db/statements.ts). */
  prepared: number;
  /** Of `prepared`, the outbox relay's (named `outbox_*`): a reply's delivery. */
  delivery: number;
  redis: number;
}

const counts: CallCounts = { sql: 0, prepared: 0, delivery: 0, redis: 0 };

/**
 * Counts every statement sent through `pg` (what Prisma's adapter and the raw runner use) and
 * every command sent through `ioredis` (what BullMQ uses), by wrapping the two clients' single
 * entry points. A counter increment per call: it does not move the figures.
 */
export function countCalls(): () => CallCounts {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counts.sql++;
    const name = (args[0] as { name?: unknown } | null)?.name;
    if (typeof name === 'string') {
      counts.prepared++;
      if (name.startsWith('outbox_')) counts.delivery++;
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<typeof sendCommand>) {
    counts.redis++;
    return sendCommand.apply(this, args);
  };
  return () => ({ ...counts });
}
