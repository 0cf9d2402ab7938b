import { mkdirSync } from 'node:fs';
import type { Config } from '../config/loadConfig.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockEmbeddedDatabase } from './embeddedLock.js';
import type { SqlRunner } from './SqlRunner.js';

/** An open database: the Prisma client, a raw runner for migrations, and how to close both. */
export interface Database {
  prisma: PrismaClient;
  /**
   * One session of its own (never a pooled connection): migrations hold a session-level advisory
   * lock on it across statements. On PostgreSQL it goes to `directUrl` when one is given.
   */
  sql: SqlRunner;
  kind: 'postgresql' | 'pglite';
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
    pgliteDir: config.pgliteDir,
  };
}

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
  // Safe behind PgBouncer in transaction mode: the adapter sends unnamed statements only (no
  // statementNameGenerator), and nothing sets session state over the pool.
  const pool = new pg.Pool({
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
