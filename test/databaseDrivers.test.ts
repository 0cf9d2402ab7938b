import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// Each database driver is loaded only by the processes that use it: a process on PostgreSQL never
// loads PGlite (its module alone is about 30 MB of RSS, the database 200 MB more), an embedded
// one never loads pg. Asked of a fresh child process, which traces every module it loads.

const run = promisify(execFile);

async function driversLoaded(databaseUrl: string): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--import', './test/support/traceImports.mjs', 'test/support/driversLoaded.ts'],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

describe('database drivers load only where configured', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgresql', { migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('on PostgreSQL: pg and its Prisma adapter, no PGlite', async () => {
    expect(await driversLoaded(db.url!)).toEqual(['@prisma/adapter-pg', 'pg']);
  }, 120_000);

  it('embedded: PGlite and its Prisma adapter, no pg', async () => {
    expect(await driversLoaded('')).toEqual(['@electric-sql/pglite', 'pglite-prisma-adapter']);
  }, 120_000);
});
