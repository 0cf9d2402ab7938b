import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationError, withMigrationLock } from '../core/db/migrate.js';
import type { SqlRunner } from '../core/db/SqlRunner.js';
import { seedOfficer } from './support/commandCenter.js';
import { FakeTwilioApi, postSignedTwilio, type TwilioCall } from './support/fakeTwilio.js';
import { hasPgBouncer, PgBouncer, PGBOUNCER_BIN } from './support/PgBouncer.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { createTestDatabase, TEST_SERVER_URL } from './support/testDatabase.js';

// The whole app behind a real PgBouncer in transaction mode, as a deployment with many processes
// runs it: DATABASE_URL goes through PgBouncer (each transaction may get another server
// connection, and its 3 server connections are shared by the app's 8 pooled ones), while
// migrations and their session-level advisory lock take DATABASE_DIRECT_URL to PostgreSQL.
// Anything the app kept in a session (SET, LISTEN, a session advisory lock, a named prepared
// statement) would break here; citizens write at once, an officer acts, the outbox delivers.

const TWILIO_TOKEN = 'test-auth-token-pgbouncer-0123456789';
const TWILIO_SID = `AC${'5'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';
const OFFICER = '6281100000561';
const SERVER_CONNECTIONS = 3;
const POOL_MAX = 8;
const APP_NAME = { pooled: 'lk-via-pgbouncer', direct: 'lk-direct' };
const DESCRIPTION = 'Lampu jalan di depan masjid mati sejak tiga malam, gelap sekali dan rawan';
const PLACE = 'Jl. Sisingamangaraja depan Masjid Raya';
const DONE_NOTE = 'Lampu sudah diganti';
const digitsOf = (number: string) => number.replace(/\D/g, '');
const smsText = (calls: TwilioCall[]) => calls.map((c) => c.Body.replace(/^\(\d+\/\d+\) /, '')).join(' ');
const withAppName = (url: string, name: string) => {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
};

const title = hasPgBouncer()
  ? 'the app behind PgBouncer in transaction mode'
  : `the app behind PgBouncer in transaction mode (skipped: no ${PGBOUNCER_BIN}; apt-get install pgbouncer, as .ci/run does)`;

describe.skipIf(!hasPgBouncer())(title, () => {
  const twilio = new FakeTwilioApi();
  const bouncer = new PgBouncer(TEST_SERVER_URL, SERVER_CONNECTIONS);
  let app: TestApp;
  let admin: pg.Client;
  let database = '';
  let serial = 0;
  const prisma = () => app.core.db.prisma;
  /** The citizens writing in, each filing one complaint, and what they filed. */
  const citizens = Array.from({ length: 8 }, (_, i) => `+62813700000${String(i + 1).padStart(2, '0')}`);
  const filed = new Map<string, string>();

  const outboxDrained = (address: string) =>
    eventually(
      async () => (await prisma().outboxMessage.count({ where: { address, status: 'pending' } })) === 0,
      60_000,
    );

  /** Sends one SMS and returns the SMS the city sent back to that number in answer. */
  async function sms(from: string, body: string): Promise<string> {
    const before = twilio.calls.length;
    const res = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, TWILIO_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, 'c')}`,
      AccountSid: TWILIO_SID,
      From: from,
      To: CITY_NUMBER,
      Body: body,
    });
    expect(res.status).toBe(200);
    await eventually(() => twilio.calls.slice(before).some((c) => c.To === from), 60_000);
    await outboxDrained(digitsOf(from));
    return smsText(twilio.calls.slice(before).filter((c) => c.To === from));
  }

  /** Files a street-light complaint through the whole SMS dialogue; returns its tracking number. */
  async function fileLampComplaint(from: string): Promise<string> {
    expect(await sms(from, 'aduan')).toContain('Ceritakan masalahnya');
    expect(await sms(from, DESCRIPTION)).toContain('Di mana lokasinya?');
    expect(await sms(from, PLACE)).toContain('Kirim aduan ini?');
    const submitted = await sms(from, '1');
    expect(submitted).toContain('Aduan diterima, diteruskan ke PUPR.');
    const found = /No\. (A\d{8}), target selesai /.exec(submitted)?.[1];
    expect(found, submitted).toMatch(/^A\d{8}$/);
    return found!;
  }

  /** PostgreSQL's backends on the test's database by application_name. */
  async function backends(): Promise<Record<string, number>> {
    const { rows } = await admin.query<{ application_name: string; n: number }>(
      `SELECT application_name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend' GROUP BY 1`,
      [database],
    );
    return Object.fromEntries(rows.map((r) => [r.application_name, r.n]));
  }

  /**
   * Watches while `work` runs: the most server connections PgBouncer held to PostgreSQL for the
   * app's pool, and the most app clients PgBouncer served at once.
   */
  async function watching<T>(work: () => Promise<T>): Promise<{ result: T; servers: number; clients: number }> {
    let servers = 0;
    let clients = 0;
    let running = true;
    const watch = (async () => {
      while (running) {
        const now = await backends();
        // PgBouncer's server connections carry the name of the client they serve (or none yet).
        servers = Math.max(servers, (now[APP_NAME.pooled] ?? 0) + (now[''] ?? 0));
        const served = await bouncer.admin<{ database: string }>('SHOW CLIENTS');
        clients = Math.max(clients, served.filter((c) => c.database === database).length);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    try {
      return { result: await work(), servers, clients };
    } finally {
      running = false;
      await watch;
    }
  }

  beforeAll(async () => {
    await Promise.all([twilio.start(), bouncer.start()]);
    admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    app = await startApp(
      (db) => {
        database = new URL(db.url!).pathname.slice(1);
        return {
          DATABASE_URL: withAppName(bouncer.url(db.url!), APP_NAME.pooled),
          DATABASE_DIRECT_URL: withAppName(db.url!, APP_NAME.direct),
          DATABASE_POOL_MAX: String(POOL_MAX),
          SMS_PROVIDER: 'twilio',
          TWILIO_ACCOUNT_SID: TWILIO_SID,
          TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
          TWILIO_FROM: CITY_NUMBER,
          SMS_RATE_PER_SECOND: '50',
          INBOUND_FLOOD_PER_MINUTE: '100',
          OUTBOX_MAX_ATTEMPTS: '3',
          OUTBOX_RETRY_BASE_MS: '100',
        };
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    await seedOfficer(app, { name: 'Budi Santoso', role: 'officer', departmentCode: 'PUPR', phone: OFFICER });
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await admin?.end();
    await Promise.all([twilio.stop(), bouncer.stop()]);
  });

  it('migrated on the direct connection: its session is PostgreSQL own, not one of PgBouncer', async () => {
    const applied = await app.core.db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL',
    );
    expect(applied[0]!.n).toBeGreaterThan(0);
    expect((await backends())[APP_NAME.direct]).toBe(1);
    const served = await bouncer.admin<{ database: string; application_name?: string }>('SHOW CLIENTS');
    expect(served.filter((c) => c.database === database).map((c) => c.application_name)).not.toContain(APP_NAME.direct);
  });

  it('takes eight complaints filed by SMS at once, and a burst of other messages, through the dialogue, over 3 server connections', async () => {
    const others = Array.from({ length: 16 }, (_, i) => `+62813800000${String(i + 1).padStart(2, '0')}`);
    const { result, servers, clients } = await watching(async () => {
      const [complaints, helped] = await Promise.all([
        Promise.all(citizens.map(async (number) => [number, await fileLampComplaint(number)] as const)),
        Promise.all(others.map((number) => sms(number, 'bantuan'))),
      ]);
      for (const answer of helped) expect(answer).toContain('MENU');
      return complaints;
    });
    for (const [number, trackingNumber] of result) filed.set(number, trackingNumber);
    expect(new Set(filed.values()).size).toBe(citizens.length);
    const stored = await prisma().complaint.findMany({
      where: { trackingNumber: { in: [...filed.values()] } },
      include: { citizen: true },
    });
    expect(stored).toHaveLength(citizens.length);
    for (const complaint of stored) {
      expect(complaint).toMatchObject({ categoryCode: 'lampu', departmentCode: 'PUPR', status: 'waiting' });
      expect(filed.get(`+${complaint.citizen.phone}`)).toBe(complaint.trackingNumber);
    }
    // The app's pool (up to 8) shared PgBouncer's 3 server connections.
    expect(servers).toBeGreaterThan(0);
    expect(servers).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    expect(clients).toBeGreaterThan(SERVER_CONNECTIONS);
    expect(clients).toBeLessThanOrEqual(POOL_MAX);
  }, 180_000);

  it('lets the officer close each case by SMS; every citizen is told once, through the outbox', async () => {
    // The new-case announcements to the officer go first.
    await eventually(
      () => smsText(twilio.calls.filter((c) => c.To === `+${OFFICER}`)).includes(filed.get(citizens.at(-1)!)!),
      60_000,
    );
    await outboxDrained(OFFICER);
    const before = twilio.calls.length;
    for (const trackingNumber of filed.values()) {
      expect(await sms(`+${OFFICER}`, `/selesai ${trackingNumber} ${DONE_NOTE}`)).toContain(
        `${trackingNumber} sekarang: Selesai. Warga sudah diberi tahu.`,
      );
    }
    for (const [number, trackingNumber] of filed) {
      await outboxDrained(digitsOf(number));
      const told = smsText(twilio.calls.slice(before).filter((c) => c.To === number));
      expect(told.split(`Status ${trackingNumber} (Lampu jalan mati): Selesai.`)).toHaveLength(2);
      expect(told).toContain(`Catatan petugas: ${DONE_NOTE}`);
    }
    const cases = await prisma().complaint.findMany({ where: { trackingNumber: { in: [...filed.values()] } } });
    expect(cases.map((c) => c.status)).toEqual(cases.map(() => 'done'));
    // Every reply and notice of the run was delivered, none failed or waits.
    const rows = await prisma().outboxMessage.groupBy({ by: ['status'], _count: true });
    expect(rows.map((r) => r.status)).toEqual(['sent']);
    // And all of it went through PgBouncer.
    const [stats] = (await bouncer.admin<{ database: string; total_xact_count: string }>('SHOW STATS')).filter(
      (s) => s.database === database,
    );
    expect(Number(stats?.total_xact_count)).toBeGreaterThan(100);
  }, 180_000);

  it('says so when the migration lock is taken through PgBouncer, where it would stay behind on a server connection', async () => {
    // A database of its own: PgBouncer's pool for it serves these two clients only, not the app.
    const quiet = await createTestDatabase('postgresql', { migrated: false });
    const viaBouncer = new pg.Client({ connectionString: bouncer.url(quiet.url!) });
    const other = new pg.Client({ connectionString: bouncer.url(quiet.url!) });
    await Promise.all([viaBouncer.connect(), other.connect()]);
    const sql: SqlRunner = {
      exec: async (text) => void (await viaBouncer.query(text)),
      query: async (text, params) => (await viaBouncer.query(text, params)).rows,
    };
    try {
      // The lock's statement runs on a server connection that another client's transaction then
      // holds (PgBouncer hands out the last one released), so the unlock runs on another.
      const attempt = withMigrationLock(sql, async () => {
        await other.query('BEGIN');
        await other.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow(MigrationError);
      await expect(attempt).rejects.toThrow(/set DATABASE_DIRECT_URL/);
    } finally {
      await other.query('ROLLBACK');
      await Promise.all([viaBouncer.end(), other.end()]);
      // The lock left behind goes with the database.
      await quiet.drop();
    }
  });
});
