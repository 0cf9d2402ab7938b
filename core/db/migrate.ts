import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import type { SqlRunner } from './SqlRunner.js';

export const DEFAULT_MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

// The same table and lock key Prisma Migrate uses, so `prisma migrate deploy` and this runner
// agree on what has been applied.
const PRISMA_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;
const PRISMA_ADVISORY_LOCK = 72707369;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Thrown when a migration failed earlier or was edited after it was applied. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies pending `prisma/migrations/<timestamp>_<name>/migration.sql` in order, each in its own
 * transaction, recording them in `_prisma_migrations` exactly as Prisma Migrate does.
 */
export async function migrate(sql: SqlRunner, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationResult> {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();

  await sql.exec(PRISMA_MIGRATIONS_TABLE);
  return withMigrationLock(sql, async () => {
    const rows = await sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const name of names) {
      const script = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(script).digest('hex');
      const done = rows.find((r) => r.migration_name === name && r.rolled_back_at === null);
      if (done?.finished_at) {
        if (done.checksum !== checksum) {
          throw new MigrationError(`migration ${name} was changed after it was applied; add a new migration instead`);
        }
        result.alreadyApplied.push(name);
        continue;
      }
      if (done) throw new MigrationError(`migration ${name} failed earlier; resolve it before going on`);

      const id = randomUUID();
      await sql.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
        [id, checksum, name],
      );
      try {
        await sql.exec(`BEGIN;\n${script}\nCOMMIT;`);
      } catch (error) {
        await sql.exec('ROLLBACK;').catch(() => undefined);
        await sql.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String(error)]);
        throw new MigrationError(`migration ${name} failed: ${(error as Error).message}`);
      }
      await sql.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
        id,
      ]);
      result.applied.push(name);
    }
    return result;
  });
}

/**
 * Runs `work` holding Prisma Migrate's advisory lock on this session: processes starting together
 * migrate and sync the city data one after another (the lock is re-entrant, so `migrate` may run
 * inside). Waits for the lock as long as it takes; nothing here has a time limit to expire.
 */
export async function withMigrationLock<T>(sql: SqlRunner, work: () => Promise<T>): Promise<T> {
  await sql.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
  let result: T;
  let released: boolean;
  try {
    result = await work();
  } finally {
    const [row] = await sql.query<{ released: boolean }>('SELECT pg_advisory_unlock($1) AS released', [
      PRISMA_ADVISORY_LOCK,
    ]);
    released = row?.released === true;
  }
  // Not this session's lock to release: through a pooler in transaction mode (PgBouncer) each
  // statement may run on another server connection, and the lock stays on the one that took it.
  if (!released) {
    throw new MigrationError(
      'the migration lock was released on another server connection than took it: DATABASE_URL goes through a pooler in transaction mode; set DATABASE_DIRECT_URL to PostgreSQL itself',
    );
  }
  return result;
}
