import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender, OutboundMessage } from '../channels/ChannelSender.js';
import type { ChannelName, Reply } from '../conversation/types.js';
import { openDatabase, type Database } from '../db/openDatabase.js';
import { createTranslator, type Translator } from '../i18n/createTranslator.js';
import { captureLogger } from '../../test/support/silentLogger.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.js';
import { TEST_REDIS_URL } from '../../test/support/testRedis.js';
import { wipeRedisPrefix } from '../../test/support/wipeRedisPrefix.js';
import { BullOutbox } from './BullOutbox.js';
import { OutboxRelay } from './OutboxRelay.js';

const ADDRESSES = 60;
const ROWS_PER_ADDRESS = 5;
const REPLY: Reply = { lines: [{ key: 'menu.title' }] };

/** The provider: takes each text after a short, uneven wait, and remembers who handed over what. */
class ProviderLog implements ChannelSender {
  readonly sent: Array<{ id: string; address: string; worker: string }> = [];
  inFlight = 0;
  mostInFlight = 0;
  constructor(
    private readonly worker: string,
    private readonly shared: ProviderLog | null = null,
  ) {}

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const log = this.shared ?? this;
    log.inFlight += 1;
    log.mostInFlight = Math.max(log.mostInFlight, log.inFlight);
    await sleep(5 + Math.floor(Math.random() * 25));
    log.inFlight -= 1;
    log.sent.push({ id: message.id, address: message.address, worker: this.worker });
    return { providerMessageId: `tg-${log.sent.length}` };
  }
}

/**
 * Two worker processes on one outbox, as a city runs them: each with its own database pool,
 * Redis connection, relay (its own claims and heartbeat) and BullMQ workers on the same queue.
 */
describe('two outbox workers on one outbox', () => {
  let db: TestDatabase;
  let second: Database;
  let translator: Translator;
  const prefix = `lktest-outbox-${randomBytes(4).toString('hex')}`;
  const redises: Redis[] = [];
  const outboxes: BullOutbox[] = [];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    second = await openDatabase({ databaseUrl: db.url, pgliteDir: '' });
    translator = await createTranslator();
  });
  afterAll(async () => {
    await Promise.all(outboxes.map((o) => o.close()));
    await Promise.all(relays.map((r) => r.close()));
    if (redises[0]) await wipeRedisPrefix(redises[0], prefix);
    redises.forEach((r) => r.disconnect());
    await second?.close();
    await db?.drop();
  });

  it('delivers every reply exactly once, in order per address, and both share the work', async () => {
    const rows: Array<{ id: string; channel: ChannelName; address: string }> = [];
    for (let a = 0; a < ADDRESSES; a++) {
      for (let n = 0; n < ROWS_PER_ADDRESS; n++) {
        rows.push(
          await db.prisma.outboxMessage.create({
            data: {
              channel: 'telegram',
              address: `77${String(a).padStart(6, '0')}`,
              language: 'id',
              replies: [REPLY] as never,
            },
            select: { id: true, channel: true, address: true },
          }),
        );
      }
    }
    const provider = new ProviderLog('shared');
    for (const [name, database] of [
      ['a', db],
      ['b', second],
    ] as const) {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      redises.push(redis);
      const relay = new OutboxRelay({
        prisma: database.prisma,
        statements: database.statements,
        senders: { telegram: new ProviderLog(name, provider) },
        translator,
        logger: captureLogger().logger,
        clock: () => new Date(),
        maxAttempts: 3,
        retryBaseMs: 100,
      });
      relays.push(relay);
      const outbox = new BullOutbox({ connection: redis, prefix, logger: captureLogger().logger });
      outboxes.push(outbox);
      await relay.startHeartbeat();
      outbox.startWorkers(relay, { telegram: 100 });
    }
    // Each process wakes half of the rows, as each would for the messages it took in.
    await outboxes[0]!.dispatch(rows.filter((_, i) => i % 2 === 0));
    await outboxes[1]!.dispatch(rows.filter((_, i) => i % 2 === 1));

    // Until the database says every row is settled.
    for (;;) {
      const pending = await db.prisma.outboxMessage.count({ where: { status: 'pending' } });
      if (pending === 0) break;
      await sleep(100);
    }

    const sentIds = provider.sent.map((s) => s.id);
    expect(sentIds).toHaveLength(rows.length);
    expect(new Set(sentIds).size).toBe(rows.length);
    expect(await db.prisma.outboxMessage.count({ where: { status: 'sent', claimedBy: null } })).toBe(rows.length);
    // Never overtaking: per address, the provider got the rows in the order they were written.
    for (let a = 0; a < ADDRESSES; a++) {
      const address = `77${String(a).padStart(6, '0')}`;
      const written = rows.filter((r) => r.address === address).map((r) => r.id);
      expect(provider.sent.filter((s) => s.address === address).map((s) => s.id)).toEqual(written);
    }
    // The work was shared, and sent several at a time rather than one by one.
    expect(provider.sent.filter((s) => s.worker === 'a').length).toBeGreaterThan(0);
    expect(provider.sent.filter((s) => s.worker === 'b').length).toBeGreaterThan(0);
    expect(provider.mostInFlight).toBeGreaterThan(4);
  }, 120_000);
});
