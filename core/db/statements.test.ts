import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../../test/support/testDatabase.js';
import { openDatabase, type Database } from './openDatabase.js';
import { statement } from './statements.js';

const BACKEND = statement('test_backend_pid', 'SELECT pg_backend_pid() AS pid');
const PREPARED = statement('test_prepared_names', 'SELECT name FROM pg_prepared_statements ORDER BY name');
const TOUCH = statement(
  'test_touch_citizen',
  `INSERT INTO "Citizen" ("id", "language", "updatedAt") VALUES ($1::uuid, 'id', now()) RETURNING "id"::text AS id`,
);
const pidOf = async (rows: Promise<Array<{ pid: number }>>) => (await rows)[0]?.pid;

describe.each(DB_KINDS)('declared statements in a transaction (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("runs on the transaction's own connection, inside its BEGIN ... COMMIT", async () => {
    // Many transactions at once over a smaller pool: each one's statements go to its own
    // connection even while others wait for one.
    const pairs = await Promise.all(
      Array.from({ length: 24 }, () =>
        db.transaction(async (tx, sql) => {
          const viaPrisma = (await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`)[0]?.pid;
          const viaStatement = await pidOf(sql.query(BACKEND, []));
          return { viaPrisma, viaStatement };
        }),
      ),
    );
    for (const { viaPrisma, viaStatement } of pairs) expect(viaStatement).toBe(viaPrisma);

    // A statement's write is rolled back with the transaction that made it.
    const id = '7f1c2a8e-0000-4000-8000-000000000001';
    await expect(
      db.transaction(async (_tx, sql) => {
        await sql.query(TOUCH, [id]);
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await db.prisma.citizen.findUnique({ where: { id } })).toBeNull();
    // ... and committed with it.
    await db.transaction(async (tx, sql) => {
      await sql.query(TOUCH, [id]);
      expect(await tx.citizen.count({ where: { id } })).toBe(1);
    });
    expect(await db.prisma.citizen.findUnique({ where: { id } })).not.toBeNull();
  });

  it.runIf(kind === 'postgresql')('prepares each statement once per connection, named', async () => {
    const names = await db.transaction(async (_tx, sql) => {
      await sql.query(BACKEND, []);
      await sql.query(BACKEND, []);
      return (await sql.query<{ name: string }>(PREPARED, [])).map((r) => r.name);
    });
    expect(names).toEqual(expect.arrayContaining(['test_backend_pid', 'test_prepared_names']));
  });

  describe.runIf(kind === 'postgresql')('with prepared statements off (behind a PgBouncer that drops them)', () => {
    let unnamed: Database;
    beforeAll(async () => {
      unnamed = await openDatabase({ databaseUrl: db.url, pgliteDir: '', preparedStatements: false });
    });
    afterAll(async () => {
      await unnamed.close();
    });

    it('sends the same statements unnamed: nothing is left prepared on the connection', async () => {
      const result = await unnamed.transaction(async (tx, sql) => {
        const viaPrisma = (await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`)[0]?.pid;
        const viaStatement = await pidOf(sql.query(BACKEND, []));
        const names = (await sql.query<{ name: string }>(PREPARED, [])).map((r) => r.name);
        return { viaPrisma, viaStatement, names };
      });
      expect(result.viaStatement).toBe(result.viaPrisma);
      expect(result.names).toEqual([]);
      expect(await unnamed.statements.query(PREPARED, [])).toEqual([]);
    });
  });
});

describe('statement', () => {
  it('refuses one name for two texts, and a name PostgreSQL would cut', () => {
    expect(statement('test_same_twice', 'SELECT 1')).toEqual({ name: 'test_same_twice', text: 'SELECT 1' });
    expect(statement('test_same_twice', 'SELECT 1').name).toBe('test_same_twice');
    expect(() => statement('test_same_twice', 'SELECT 2')).toThrow('statement name used twice: test_same_twice');
    expect(() => statement('x'.repeat(64), 'SELECT 1')).toThrow('longer than 63 bytes');
  });
});
