import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockEmbeddedDatabase } from './embeddedLock.js';
import type { SqlRunner } from './SqlRunner.js';

/** An open database: the Prisma client, a raw runner for migrations, and how to close both. */
export interface Database {
  prisma: PrismaClient;
  sql: SqlRunner;
  kind: 'postgresql' | 'pglite';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite in `pgliteDir`. */
  databaseUrl?: string | undefined;
  pgliteDir: string;
  /**
   * Told when an idle connection dies (a PostgreSQL restart, a terminated backend). Without a
   * listener, node-postgres would crash the process; the pool simply opens a new connection.
   */
  onConnectionError?: (error: Error) => void;
}

/**
 * Opens PostgreSQL through @prisma/adapter-pg when a URL is given, else an embedded PGlite
 * (same SQL, same migrations) through pglite-prisma-adapter.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    const onError = options.onConnectionError ?? (() => undefined);
    pool.on('error', onError);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    // Raw statements (migrations and their session-level advisory lock) need one connection.
    const session = new pg.Client({ connectionString: options.databaseUrl });
    session.on('error', onError);
    await session.connect();
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
  const inMemory = options.pgliteDir.startsWith('memory://');
  let unlock = (): void => undefined;
  if (!inMemory) {
    mkdirSync(options.pgliteDir, { recursive: true });
    unlock = lockEmbeddedDatabase(options.pgliteDir);
  }
  const lite = await PGlite.create(options.pgliteDir).catch((error: unknown) => {
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
