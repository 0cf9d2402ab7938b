import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Core } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { APPLICATION_NAME } from '../core/db/openDatabase.js';
import { captureLogger } from './support/silentLogger.js';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from './support/testDatabase.js';

// The PostgreSQL pool of one process as boot opens it from the settings: never more than
// DATABASE_POOL_MAX connections however many queries and transactions wait, as PostgreSQL itself
// counts them (pg_stat_activity), plus the one direct session that migrations run on.

describe('DATABASE_POOL_MAX bounds the connections one process opens', () => {
  let admin: pg.Client;
  const opened: Array<{ core: Core; db: TestDatabase; dataDir: string }> = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
  });
  afterAll(async () => {
    for (const { core, db, dataDir } of opened) {
      await core.close().catch(() => undefined);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    await admin.end();
  });

  /** A process's core booted on a fresh database; `database` names its backends (not the test's own). */
  async function bootWith(env: Record<string, string>): Promise<{ core: Core; database: Backends }> {
    const db = await createTestDatabase('postgresql', { migrated: false });
    const name = new URL(db.url!).pathname.slice(1);
    // The test's own connection to the database (createTestDatabase's), not counted.
    const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lk-pool-'));
    const config = loadConfig({ DATABASE_URL: db.url!, DATA_DIR: dataDir, ...env });
    const core = await boot(config, { logger: captureLogger().logger });
    opened.push({ core, db, dataDir });
    return { core, database: { name, excluded: rows.map((r) => r.pid) } };
  }

  interface Backends {
    name: string;
    excluded: number[];
  }

  /** The app's backends on the database by application_name, as PostgreSQL sees them now. */
  async function backends(database: Backends): Promise<Record<string, number>> {
    const { rows } = await admin.query<{ application_name: string; n: number }>(
      `SELECT application_name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND NOT (pid = ANY($2::int[])) GROUP BY 1`,
      [database.name, database.excluded],
    );
    return Object.fromEntries(rows.map((r) => [r.application_name, r.n]));
  }

  /**
   * Runs `queries` statements and `transactions` interactive transactions at once, each holding
   * its connection for a while, and returns the most pooled backends seen meanwhile.
   */
  async function peakUnderLoad(core: Core, database: Backends, load: { queries: number; transactions: number }) {
    const prisma = core.db.prisma;
    let peak = 0;
    let direct = 0;
    let running = true;
    const watch = (async () => {
      while (running) {
        const now = await backends(database);
        peak = Math.max(peak, now[APPLICATION_NAME.pool] ?? 0);
        direct = Math.max(direct, now[APPLICATION_NAME.session] ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const work = [
      ...Array.from({ length: load.queries }, () => prisma.$queryRaw`SELECT 1 AS slept FROM pg_sleep(0.2)`),
      ...Array.from({ length: load.transactions }, () =>
        prisma.$transaction(
          async (tx) => {
            await tx.$queryRaw`SELECT 1 AS slept FROM pg_sleep(0.1)`;
            return tx.citizen.count();
          },
          // Waiting for a connection of a full pool is the point here, not a failure.
          { maxWait: 120_000, timeout: 120_000 },
        ),
      ),
    ];
    try {
      await Promise.all(work);
    } finally {
      running = false;
      await watch;
    }
    return { peak, direct };
  }

  it('holds at DATABASE_POOL_MAX=3 under 40 waiting statements and transactions, and every one completes', async () => {
    const { core, database } = await bootWith({ DATABASE_POOL_MAX: '3' });
    const { peak, direct } = await peakUnderLoad(core, database, { queries: 25, transactions: 15 });
    // Reached (the load was there) and never passed.
    expect(peak).toBe(3);
    expect(direct).toBe(1);
  }, 120_000);

  it('holds at 10 by default', async () => {
    const { core, database } = await bootWith({});
    const { peak } = await peakUnderLoad(core, database, { queries: 40, transactions: 10 });
    expect(peak).toBe(10);
  }, 120_000);
});
