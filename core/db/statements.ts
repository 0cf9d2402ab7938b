import type { Prisma } from '../generated/prisma/client.js';

/**
 * A statement the message path runs on every message, with `$1`-style parameters. On
 * PostgreSQL it goes as a named prepared statement: each connection parses and plans it once,
 * then only binds and executes it (an unnamed statement is parsed and planned every time).
 *
 * Results must read the same through `pg` and through Prisma (PGlite): cast counts to `int`,
 * uuids to `text` where a string is meant; `timestamptz`, `jsonb`, `boolean` and text read the
 * same through both.
 */
export interface Statement {
  /** Unique per statement text, at most 63 bytes (PostgreSQL's limit on a name). */
  readonly name: string;
  readonly text: string;
}

const names = new Map<string, string>();

/** Declares a statement once, at module load: a name used for two texts is a bug found at start. */
export function statement(name: string, text: string): Statement {
  const known = names.get(name);
  if (known !== undefined && known !== text) throw new Error(`statement name used twice: ${name}`);
  if (Buffer.byteLength(name) > 63) throw new Error(`statement name longer than 63 bytes: ${name}`);
  names.set(name, text);
  return { name, text };
}

/** Runs declared statements on one session: a transaction's connection, or the pool outside one. */
export interface SqlSession {
  query<T>(statement: Statement, values: readonly unknown[]): Promise<T[]>;
}

/** The part of a pg client or pool a session needs. */
interface PgQueryable {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Statements on a `pg` client or pool: named (prepared once per connection) unless `named` is
 * false, as behind a PgBouncer in transaction mode that does not keep prepared statements.
 */
export function pgSession(client: PgQueryable, named: boolean): SqlSession {
  return {
    async query<T>(s: Statement, values: readonly unknown[]): Promise<T[]> {
      const result = await client.query({ name: named ? s.name : undefined, text: s.text, values: [...values] });
      return result.rows as T[];
    },
  };
}

/** Statements through Prisma's raw queries (the embedded PGlite, which has no connections to prepare on). */
export function prismaSession(db: Pick<Prisma.TransactionClient, '$queryRawUnsafe'>): SqlSession {
  return {
    query<T>(s: Statement, values: readonly unknown[]): Promise<T[]> {
      return db.$queryRawUnsafe<T[]>(s.text, ...values);
    },
  };
}
