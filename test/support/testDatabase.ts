import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadCityData, type CityData } from '../../core/city/loadCityData.js';
import { syncCityData } from '../../core/city/syncCityData.js';
import { migrate } from '../../core/db/migrate.js';
import { openDatabase, type Database } from '../../core/db/openDatabase.js';
import type { Lexicon } from '../../core/conversation/understanding/Lexicon.js';
import { loadLexicon } from '../../core/i18n/loadWords.js';

/** The PostgreSQL server tests create their throw-away databases on (through its maintenance database). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const DB_KINDS = ['postgresql', 'pglite'] as const;
export type DbKind = (typeof DB_KINDS)[number];

export const defaultCity: CityData = loadCityData('city/default');

/** The word lists of locales/, compiled as boot does. */
export const defaultWords: Lexicon = loadLexicon();

export interface TestDatabase extends Database {
  /** For PostgreSQL, the URL of the fresh database. */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database with the default city's catalogue: a new database on the real
 * PostgreSQL server, or an in-memory PGlite. `drop()` closes and removes it.
 */
export async function createTestDatabase(kind: DbKind, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (kind === 'pglite') {
    const db = await openDatabase({ pgliteDir: 'memory://' });
    if (migrated) {
      await migrate(db.sql);
      await syncCityData(db.sql, defaultCity);
    }
    return { ...db, url: undefined, drop: () => db.close() };
  }
  const name = `lk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
  if (migrated) {
    await migrate(db.sql);
    await syncCityData(db.sql, defaultCity);
  }
  return {
    ...db,
    url: url.toString(),
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: TEST_SERVER_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
