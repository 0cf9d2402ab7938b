import pg from 'pg';

/**
 * The floor PostgreSQL itself sets for a message's transaction on this machine: single-row
 * INSERT + COMMIT transactions per second from `clients` connections (autocommit, one round trip
 * each), for `durationMs`, on a table of its own in the bench database (dropped after).
 */
export async function measurePgFloor(databaseUrl: string, clients = 8, durationMs = 5000): Promise<number> {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  const table = `bench_floor_${process.pid}`;
  try {
    await setup.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, client int NOT NULL, at timestamptz NOT NULL)`);
    const connections = await Promise.all(
      Array.from({ length: clients }, async () => {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        return c;
      }),
    );
    let done = 0;
    const until = Date.now() + durationMs;
    const started = process.hrtime.bigint();
    await Promise.all(
      connections.map(async (c, i) => {
        // A named statement, as a prepared hot path would send it.
        const insert = {
          name: 'floor_insert',
          text: `INSERT INTO ${table} (client, at) VALUES ($1, now())`,
          values: [i],
        };
        while (Date.now() < until) {
          await c.query(insert);
          done++;
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await Promise.all(connections.map((c) => c.end()));
    return Math.round(done / seconds);
  } finally {
    await setup.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await setup.end();
  }
}
