import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { CityData } from '../core/city/loadCityData.js';
import { syncCityData } from '../core/city/syncCityData.js';
import { migrate } from '../core/db/migrate.js';
import { openDatabase, type Database } from '../core/db/openDatabase.js';

/** The PostgreSQL server the bench creates its throw-away databases on (through its maintenance database). */
export const BENCH_SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  /** Opens the app's own client on it (Prisma over pg), migrated and with the city's catalogue. */
  open(): Promise<Database>;
  drop(): Promise<void>;
  /** Its size on disk (pg_database_size), in MB. */
  sizeMb(): Promise<number>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database `bench_<random>` on the real PostgreSQL server, so a run never meets the
 * tests' data or another run's. `drop()` removes it, closing whatever is still connected.
 */
export async function createBenchDatabase(city: CityData): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  let migrated = false;
  return {
    name,
    url: url.toString(),
    async open() {
      const db = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
      if (!migrated) {
        await migrate(db.sql);
        await syncCityData(db.sql, city);
        migrated = true;
      }
      return db;
    },
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    sizeMb: () =>
      admin((c) => c.query<{ size: string }>('SELECT pg_database_size($1)::text AS size', [name])).then(
        (result) => Math.round((Number(result.rows[0]!.size) / 1024 ** 2) * 10) / 10,
      ),
  };
}
