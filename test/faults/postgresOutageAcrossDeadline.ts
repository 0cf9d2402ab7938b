import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { loadCityData } from '../../core/city/loadCityData.js';
import type { ChannelName, Reply } from '../../core/conversation/types.js';
import { FakeTelegramApi } from '../support/fakeTelegramApi.js';
import { FakeTwilioApi } from '../support/fakeTwilio.js';
import { fileShortPermit } from '../support/fileShortPermit.js';
import { PgProxy } from '../support/PgProxy.js';
import { SmtpSink } from '../support/smtpSink.js';
import { eventually } from '../support/startApp.js';
import { startWorkerProcess, type WorkerProcess } from '../support/startWorkerProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { TEST_REDIS_URL } from '../support/testRedis.js';
import { wipeRedisPrefix } from '../support/wipeRedisPrefix.js';
import { writeTestCity } from '../support/writeTestCity.js';

// PostgreSQL goes away for 45 s (as the app sees it: every connection reset, new ones refused)
// while replies wait in the outbox, one of them in Twilio's hands, and while an SLA deadline
// passes. The worker runs on the real Redis and BullMQ; the test reads the truth straight from
// PostgreSQL, around the proxy.

const OUTAGE_MS = 45_000;
const TELEGRAM_TOKEN = '7000000001:AAHfakeTokenForLayanKotaFaultTests_0123';
const INSPECTOR_CHAT = '5559001';
const TWILIO_FROM = '+15005550006';

/**
 * PostgreSQL down for 45 s across a deadline, with replies pending: the escalation is sent once
 * by email, SMS and bot within a minute of the database's return, and every pending reply once.
 */
export async function postgresOutageAcrossDeadline(): Promise<void> {
  const proxy = new PgProxy();
  const twilio = new FakeTwilioApi();
  const telegram = new FakeTelegramApi(TELEGRAM_TOKEN);
  const sink = new SmtpSink();
  const queuePrefix = `lktest-pgdown-${randomBytes(4).toString('hex')}`;
  const cityDir = writeTestCity('test/fixtures/city-faults.json');
  const city = loadCityData(cityDir);
  const level0 = city.sla.escalation[0]!;
  let db: TestDatabase | undefined;
  let worker: WorkerProcess | undefined;

  try {
    await Promise.all([proxy.start(), twilio.start(), telegram.start(), sink.start()]);
    db = await createTestDatabase('postgresql', { migrated: false });
    worker = await startWorkerProcess({
      databaseUrl: proxy.url(db.url!),
      queuePrefix,
      clock: {
        get now() {
          return new Date();
        },
      },
      env: {
        CITY_DATA_DIR: cityDir,
        REDIS_URL: TEST_REDIS_URL,
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM,
        TWILIO_API_ROOT: twilio.baseUrl,
        SMS_RATE_PER_SECOND: '1',
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: telegram.baseUrl,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: 'tg-webhook-secret_faults_0123456789',
        SMTP_URL: sink.url,
        OUTBOX_RETRY_BASE_MS: '200',
        RECOVERY_SWEEP_SECONDS: '5',
      },
    });
    await db.prisma.officer.create({
      data: { name: 'Inspektur Lubis', role: 'inspectorate', channel: 'telegram', address: INSPECTOR_CHAT },
    });
    const { prisma } = db;
    const runtime = worker!.runtime;
    // Twelve replies to twelve citizens, delivered one a second (SMS_RATE_PER_SECOND=1).
    const menu: Reply[] = [{ lines: [{ key: 'menu.title' }] }];
    const rows: Array<{ id: string; channel: ChannelName; address: string }> = [];
    for (let i = 0; i < 12; i++) {
      rows.push(
        await prisma.outboxMessage.create({
          data: {
            channel: 'sms',
            address: `628130090${String(i).padStart(4, '0')}`,
            language: 'id',
            replies: menu as never,
          },
          select: { id: true, channel: true, address: true },
        }),
      );
    }
    const toOf = (address: string) => `+${address}`;
    const callsTo = (address: string) => twilio.calls.filter((c) => c.To === toOf(address));
    twilio.hold = true;
    await runtime.dispatcher.dispatch(rows);
    // The first reply is in Twilio's hands; its answer comes only after the database is gone.
    await eventually(() => twilio.calls.length >= 1, 30_000);

    const permit = await fileShortPermit(prisma, city, { now: new Date(), dueInMs: 6000, phone: '6281300099999' });
    await runtime.afterCaseChanges([permit.sla], []);

    await proxy.cut();
    const cutAt = Date.now();
    await sleep(1000);
    twilio.release();
    await sleep(OUTAGE_MS - (Date.now() - cutAt));
    expect(Date.now()).toBeGreaterThan(permit.sla.deadlineAt.getTime());
    await proxy.resume();

    // The escalation: one email, one SMS and one bot message, within a minute of the database's return.
    const about = permit.trackingNumber;
    const emails = () => sink.to(level0.emails[0]!).filter((m) => m.subject.includes(about));
    const sms = () => callsTo(level0.phones[0]!).filter((c) => c.Body.includes(about));
    const chat = () =>
      telegram.callsOf('sendMessage', INSPECTOR_CHAT).filter((m) => String(m.params.text).includes(about));
    await eventually(() => emails().length > 0 && sms().length > 0 && chat().length > 0, 60_000);

    // Every reply that waited is delivered, the one Twilio had already accepted included.
    await eventually(
      async () =>
        (await prisma.outboxMessage.count({ where: { id: { in: rows.map((r) => r.id) }, status: 'sent' } })) === 12,
      90_000,
    );
    await eventually(async () => (await prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0, 30_000);
    // Nothing more comes out of the queue: once more and nothing sent twice.
    await sleep(3000);
    for (const row of rows) expect(callsTo(row.address), row.address).toHaveLength(1);
    expect(emails()).toHaveLength(1);
    expect(sms()).toHaveLength(1);
    expect(chat()).toHaveLength(1);
    expect(await prisma.slaNotice.count({ where: { caseId: permit.sla.id, kind: 'escalation' } })).toBe(1);
  } finally {
    await proxy.resume();
    await worker?.stop();
    const cleaner = new Redis(TEST_REDIS_URL);
    await wipeRedisPrefix(cleaner, queuePrefix);
    cleaner.disconnect();
    await db?.drop();
    await Promise.all([proxy.stop(), twilio.stop(), telegram.stop(), sink.stop()]);
    rmSync(cityDir, { recursive: true, force: true });
  }
}
