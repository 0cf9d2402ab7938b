import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import type { PoolClient } from 'pg';
import type { Config } from '../config/loadConfig.js';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';
import { lockEmbeddedDatabase } from './embeddedLock.js';
import type { SqlRunner } from './SqlRunner.js';
import { pgSession, prismaSession, type SqlSession } from './statements.js';

/** What a transaction's work gets: Prisma's transaction client, and its connection for declared statements. */
export type TransactionWork<T> = (tx: Prisma.TransactionClient, sql: SqlSession) => Promise<T>;
export type TransactionOptions = { timeout?: number; maxWait?: number };

/** An open database: the Prisma client, a raw runner for migrations, and how to close both. */
export interface Database {
  prisma: PrismaClient;
  /**
   * One session of its own (never a pooled connection): migrations hold a session-level advisory
   * lock on it across statements. On PostgreSQL it goes to `directUrl` when one is given.
   */
  sql: SqlRunner;
  kind: 'postgresql' | 'pglite';
  /**
   * A Prisma interactive transaction whose work may also run declared statements (statements.ts)
   * on the same connection: the message path's statements go as named prepared statements
   * there, the rest through Prisma.
   */
  transaction<T>(work: TransactionWork<T>, options?: TransactionOptions): Promise<T>;
  /** Declared statements outside a transaction, on the pool. */
  statements: SqlSession;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL (PostgreSQL itself or a PgBouncer in front); when absent, embedded PGlite in `pgliteDir`. */
  databaseUrl?: string | undefined;
  /**
   * PostgreSQL itself, for `sql` (migrations and their advisory lock) when `databaseUrl` goes
   * through a pooler in transaction mode; unset: `databaseUrl`. Like Prisma's `directUrl`.
   */
  directUrl?: string | undefined;
  /** The most connections the Prisma pool opens (10 unless told). */
  poolMax?: number | undefined;
  /** How long to wait for a connection (opening one, or a free one in a full pool); unset: no limit. */
  connectTimeoutMs?: number | undefined;
  /**
   * Whether declared statements go as named prepared statements (true unless told). False
   * behind a PgBouncer in transaction mode older than 1.21 or without `max_prepared_statements`:
   * a statement prepared on one server connection is unknown on the next.
   */
  preparedStatements?: boolean | undefined;
  pgliteDir: string;
  /**
   * Told when an idle connection dies (a PostgreSQL restart, a terminated backend). Without a
   * listener, node-postgres would crash the process; the pool simply opens a new connection.
   */
  onConnectionError?: (error: Error) => void;
}

/** The database settings of a configuration (DATABASE_URL, DATABASE_DIRECT_URL, DATABASE_POOL_MAX, ...). */
export function databaseOptionsOf(config: Config): DatabaseOptions {
  return {
    databaseUrl: config.databaseUrl,
    directUrl: config.databaseDirectUrl,
    poolMax: config.databasePool.max,
    connectTimeoutMs: config.databasePool.connectTimeoutMs,
    preparedStatements: config.databasePool.preparedStatements,
    pgliteDir: config.pgliteDir,
  };
}

type PoolCallback = (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void;

/** Set while a transaction waits for its connection: the pool hands it over (see TransactionPool). */
const transactionConnection = new AsyncLocalStorage<{ client?: PoolClient }>();

/** What PostgreSQL's pg_stat_activity shows for the pool and for the direct session (unless the URL names its own). */
export const APPLICATION_NAME = { pool: 'layankota', session: 'layankota-direct' } as const;

/**
 * Opens PostgreSQL through @prisma/adapter-pg when a URL is given, else an embedded PGlite
 * (same SQL, same migrations) through pglite-prisma-adapter. Each driver is imported only when
 * used, so a PostgreSQL process never loads PGlite (about 200 MB) and a PGlite one never loads pg.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options.pgliteDir);
}

async function openPostgres(databaseUrl: string, options: DatabaseOptions): Promise<Database> {
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
  const connectionTimeoutMillis = options.connectTimeoutMs ?? 0;
  const onError = options.onConnectionError ?? (() => undefined);
  // Prisma's adapter sends unnamed statements only (no statementNameGenerator) and nothing sets
  // session state over the pool; the declared statements are named unless told not to be
  // (preparedStatements false behind a PgBouncer in transaction mode that drops them).
  const named = options.preparedStatements ?? true;
  /**
   * The pool Prisma's adapter takes a transaction's connection from (`connect()`, promise form;
   * its plain queries use the callback form): handed to the transaction that asked for it, so
   * its declared statements run on the same connection, inside the same BEGIN ... COMMIT.
   */
  class TransactionPool extends pg.Pool {
    override connect(): Promise<PoolClient>;
    override connect(callback: PoolCallback): void;
    override connect(callback?: PoolCallback): Promise<PoolClient> | void {
      if (callback) return super.connect(callback);
      const waiting = transactionConnection.getStore();
      return super.connect().then((client) => {
        if (waiting && !waiting.client) waiting.client = client;
        return client;
      });
    }
  }
  const pool = new TransactionPool({
    connectionString: databaseUrl,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis,
    application_name: APPLICATION_NAME.pool,
  });
  pool.on('error', onError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  // Raw statements (migrations and their session-level advisory lock) need one connection.
  const session = new pg.Client({
    connectionString: options.directUrl ?? databaseUrl,
    connectionTimeoutMillis,
    application_name: APPLICATION_NAME.session,
  });
  session.on('error', onError);
  try {
    await session.connect();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    prisma,
    kind: 'postgresql',
    transaction<T>(work: TransactionWork<T>, txOptions?: TransactionOptions): Promise<T> {
      const waiting: { client?: PoolClient } = {};
      return transactionConnection.run(waiting, () =>
        prisma.$transaction((tx) => {
          if (!waiting.client) throw new Error("the transaction's connection was not handed over by the pool");
          return work(tx, pgSession(waiting.client, named));
        }, txOptions),
      );
    },
    statements: pgSession(pool, named),
    sql: {
      async exec(sql) {
        await session.query(sql);
      },
      async query(sql, params) {
        return (await session.query(sql, params)).rows;
      },
    },
    async close() {
      await prisma.$disconnect();
      await session.end();
      await pool.end();
    },
  };
}

async function openPglite(pgliteDir: string): Promise<Database> {
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('pglite-prisma-adapter'),
  ]);
  const inMemory = pgliteDir.startsWith('memory://');
  let unlock = (): void => undefined;
  if (!inMemory) {
    mkdirSync(pgliteDir, { recursive: true });
    unlock = lockEmbeddedDatabase(pgliteDir);
  }
  const lite = await PGlite.create(pgliteDir).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  return {
    prisma,
    kind: 'pglite',
    // One connection, nothing to prepare on: declared statements go through Prisma's raw queries.
    transaction: (work, txOptions) => prisma.$transaction((tx) => work(tx, prismaSession(tx)), txOptions),
    statements: prismaSession(prisma),
    sql: {
      async exec(sql) {
        await lite.exec(sql);
      },
      async query(sql, params) {
        return (await lite.query(sql, params)).rows as never[];
      },
    },
    async close() {
      await prisma.$disconnect();
      await lite.close();
      unlock();
    },
  };
}
