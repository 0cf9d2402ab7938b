import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender, ChannelSenders, OutboundMessage } from '../channels/ChannelSender.js';
import type { ChannelName, Lang, Reply } from '../conversation/types.js';
import { createTranslator, type Translator } from '../i18n/createTranslator.js';
import { captureLogger } from '../../test/support/silentLogger.js';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../../test/support/testDatabase.js';
import { OutboxRelay, type OutboxRelayDeps } from './OutboxRelay.js';

const NOW = new Date('2026-11-28T03:00:00.000Z');

/** The outside world: a provider that records what it was asked to send, or refuses. */
class RecordingSender implements ChannelSender {
  readonly sent: OutboundMessage[] = [];
  /** Called inside `send`, before it answers: what the world does meanwhile. */
  during: (() => Promise<void>) | null = null;
  constructor(private readonly behaviour: { fail?: string; delayMs?: number } = {}) {}

  async send(message: OutboundMessage): Promise<{ providerMessageId?: string }> {
    if (this.behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, this.behaviour.delayMs));
    await this.during?.();
    if (this.behaviour.fail) throw new Error(this.behaviour.fail);
    this.sent.push(message);
    return { providerMessageId: `prov-${this.sent.length}` };
  }
}

const MENU_REPLY: Reply = {
  lines: [{ key: 'menu.title' }],
  options: [
    { id: 'menu.pbb', label: { key: 'menu.option.pbb' } },
    { id: 'menu.help', label: { key: 'menu.option.help' } },
  ],
};

describe.each(DB_KINDS)('OutboxRelay on %s', (kind) => {
  let db: TestDatabase;
  let translator: Translator;
  let logLines: string[];
  let logger: ReturnType<typeof captureLogger>['logger'];
  let serial = 0;

  // No wait between attempts (retryBaseMs 0): the clock of these tests stands still.
  const relayWith = (senders: ChannelSenders, maxAttempts = 3, more: Partial<OutboxRelayDeps> = {}) =>
    new OutboxRelay({
      prisma: db.prisma,
      statements: db.statements,
      senders,
      translator,
      logger,
      clock: () => NOW,
      maxAttempts,
      retryBaseMs: 0,
      ...more,
    });

  /** A pending row at its own address, so tests do not see each other's rows. */
  const addRow = async (
    fields: {
      channel?: ChannelName;
      language?: Lang;
      createdAt?: Date;
      address?: string;
      kind?: string;
      nextAttemptAt?: Date;
    } = {},
  ) => {
    serial += 1;
    return db.prisma.outboxMessage.create({
      data: {
        channel: fields.channel ?? 'telegram',
        address: fields.address ?? `9000${kind === 'pglite' ? 1 : 2}${String(serial).padStart(5, '0')}`,
        language: fields.language ?? 'id',
        replies: [MENU_REPLY] as never,
        ...(fields.createdAt ? { createdAt: fields.createdAt } : {}),
        ...(fields.kind ? { kind: fields.kind } : {}),
        ...(fields.nextAttemptAt ? { nextAttemptAt: fields.nextAttemptAt } : {}),
      },
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    translator = await createTranslator();
    const captured = captureLogger();
    logger = captured.logger;
    logLines = captured.lines;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each<{ language: Lang; title: string; option: string }>([
    { language: 'id', title: 'Pilih layanan:', option: 'Cek PBB' },
    { language: 'en', title: 'Choose a service:', option: 'Property tax (PBB)' },
  ])('sends a pending row once, rendered in its language ($language), and marks it sent', async (c) => {
    const sender = new RecordingSender();
    const row = await addRow({ language: c.language });

    expect(await relayWith({ telegram: sender }).deliver([row.id])).toEqual(['sent']);

    expect(sender.sent).toEqual([
      {
        id: row.id,
        channel: 'telegram',
        address: row.address,
        lang: c.language,
        urgent: false,
        replies: [
          {
            text: c.title,
            options: [
              { id: 'menu.pbb', label: c.option },
              { id: 'menu.help', label: expect.any(String) },
            ],
          },
        ],
      },
    ]);
    const stored = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({
      status: 'sent',
      sentAt: NOW,
      attempts: 1,
      providerMessageId: 'prov-1',
      lastError: null,
    });
  });

  it('keeps a row whose send failed pending with the error, then marks it failed after maxAttempts', async () => {
    const sender = new RecordingSender({ fail: 'provider said 503' });
    const relay = relayWith({ telegram: sender }, 3);
    const row = await addRow();

    expect(await relay.deliver([row.id])).toEqual(['retry']);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'provider said 503',
      sentAt: null,
    });

    expect(await relay.deliver([row.id])).toEqual(['retry']);
    expect(await relay.deliver([row.id])).toEqual(['failed']);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'provider said 503',
      sentAt: null,
    });
    // A failed row is kept for operators and not tried again.
    expect(await relay.deliver([row.id])).toEqual(['skipped']);
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(3);

    const warnings = logLines.filter((l) => l.includes('outbound send failed') && l.includes(row.id));
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).not.toContain(row.address);
  });

  it('leaves a row of a channel it has no sender for pending and untouched', async () => {
    const sender = new RecordingSender();
    const row = await addRow({ channel: 'whatsapp' });

    expect(await relayWith({ telegram: sender }).deliver([row.id])).toEqual(['skipped']);

    expect(sender.sent).toEqual([]);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });

  it('drains pending rows of its channels oldest first, and leaves the others', async () => {
    // Rows in the far past sort before every other test's rows; the limit keeps to these three.
    const middle = await addRow({ channel: 'sms', createdAt: new Date('2001-01-02T00:00:00Z') });
    const oldest = await addRow({ channel: 'sms', createdAt: new Date('2001-01-01T00:00:00Z') });
    const newest = await addRow({ channel: 'sms', createdAt: new Date('2001-01-03T00:00:00Z') });
    const elsewhere = await addRow({ channel: 'whatsapp', createdAt: new Date('2000-12-31T00:00:00Z') });
    const sender = new RecordingSender();

    expect(await relayWith({ sms: sender }).drainPending(3)).toBe(3);

    expect(sender.sent.map((m) => m.id)).toEqual([oldest.id, middle.id, newest.id]);
    const statuses = await db.prisma.outboxMessage.findMany({
      where: { id: { in: [oldest.id, middle.id, newest.id, elsewhere.id] } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [oldest.id]: 'sent',
      [middle.id]: 'sent',
      [newest.id]: 'sent',
      [elsewhere.id]: 'pending',
    });
    // Nothing of its channels is left pending, so a second drain sends nothing.
    expect(await relayWith({ sms: sender }).drainPending()).toBe(0);
    expect(sender.sent).toHaveLength(3);
  });

  it('drains the rows of one address in one pass, in the order they were written', async () => {
    const first = await addRow({ channel: 'sms', createdAt: new Date('2000-06-01T00:00:00Z') });
    const second = await addRow({
      channel: 'sms',
      address: first.address,
      createdAt: new Date('2000-06-01T00:00:01Z'),
    });
    const third = await addRow({ channel: 'sms', address: first.address, createdAt: new Date('2000-06-01T00:00:02Z') });
    const sender = new RecordingSender();

    await relayWith({ sms: sender }).drainPending(3);

    expect(sender.sent.map((m) => m.id)).toEqual([first.id, second.id, third.id]);
  });

  it('does not send an already sent row again', async () => {
    const sender = new RecordingSender();
    const relay = relayWith({ telegram: sender });
    const row = await addRow();

    expect(await relay.deliver([row.id, row.id])).toEqual(['sent', 'skipped']);
    expect(await relay.deliver([row.id])).toEqual(['skipped']);

    expect(sender.sent).toHaveLength(1);
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(1);
  });

  // BUG: deliverOne reads the row, sends, and only then marks it sent, with no claim in between
  // (no `UPDATE ... WHERE status = 'pending'` or row lock). Two relays delivering the same row at
  // once (drainPending after a restart while the live path delivers it, or two worker processes)
  // both see it pending and both send it: the citizen gets the message twice.
  it('sends a row once when two relays deliver it at the same time', async () => {
    const sender = new RecordingSender({ delayMs: 50 });
    const row = await addRow();

    await Promise.all([
      relayWith({ telegram: sender }).deliver([row.id]),
      relayWith({ telegram: sender }).deliver([row.id]),
    ]);

    expect(sender.sent).toHaveLength(1);
  });

  it('sends the messages to one address in the order they were written, never overtaking', async () => {
    const sender = new RecordingSender();
    const relay = relayWith({ telegram: sender });
    const first = await addRow();
    const second = await addRow({ address: first.address });
    const third = await addRow({ address: first.address });
    const elsewhere = await addRow();
    // The second is woken while the first is in the provider's hands: it waits its turn.
    let outcomes: Awaited<ReturnType<OutboxRelay['attempt']>>[] = [];
    sender.during = async () => {
      sender.during = null;
      outcomes = [await relay.attempt(second.id), await relay.attempt(elsewhere.id)];
    };
    const attempt = await relay.attempt(first.id);
    expect(outcomes.map((o) => o.outcome)).toEqual(['blocked', 'sent']);
    // Settling the first names the next in line, so whatever wakes rows up can wake it.
    expect(attempt).toEqual({ outcome: 'sent', next: { id: second.id, channel: 'telegram' } });
    expect(await relay.attempt(second.id)).toEqual({ outcome: 'sent', next: { id: third.id, channel: 'telegram' } });
    expect(await relay.attempt(third.id)).toEqual({ outcome: 'sent' });
    expect(sender.sent.map((m) => m.id)).toEqual([elsewhere.id, first.id, second.id, third.id]);
  });

  it.each([
    { earlier: 'a notification due at once (no wait set)', wait: undefined, outcome: 'blocked' },
    { earlier: 'a notification whose wait has passed', wait: -1000, outcome: 'blocked' },
    { earlier: 'a status notice still gathering changes', wait: 60_000, outcome: 'sent' },
  ])('a reply after $earlier: $outcome', async ({ wait, outcome }) => {
    const sender = new RecordingSender();
    const relay = relayWith({ telegram: sender });
    const notice = await addRow({
      kind: 'notification',
      ...(wait === undefined ? {} : { nextAttemptAt: new Date(NOW.getTime() + wait) }),
    });
    const reply = await addRow({ address: notice.address });
    expect((await relay.attempt(reply.id)).outcome).toBe(outcome);
    expect(sender.sent.map((m) => m.id)).toEqual(outcome === 'sent' ? [reply.id] : []);
  });

  it('leaves a claim alone while its process beats, and takes it over once that process is silent', async () => {
    const row = await addRow();
    const owner = randomUUID();
    await db.prisma.workerHeartbeat.create({ data: { id: owner, startedAt: NOW, beatAt: NOW } });
    // Handed to the provider by `owner` a second ago; its answer never recorded.
    await db.prisma.outboxMessage.update({
      where: { id: row.id },
      data: { claimedAt: new Date(NOW.getTime() - 1000), claimedBy: owner, handedAt: new Date(NOW.getTime() - 1000) },
    });
    const sender = new RecordingSender();
    // This process has reached the database for longer than the owner's allowed silence.
    const relay = relayWith({ telegram: sender }, 3, { ownerSilentMs: 0 });
    expect(await relay.deliver([row.id])).toEqual(['skipped']);
    expect(sender.sent).toEqual([]);

    await db.prisma.workerHeartbeat.update({ where: { id: owner }, data: { beatAt: new Date(NOW.getTime() - 1) } });
    expect(await relay.deliver([row.id])).toEqual(['sent']);
    // The sender is told the provider may already have it, since its first hand-over.
    expect(sender.sent[0]!.resume).toEqual({ since: new Date(NOW.getTime() - 61_000), otherProviderIds: [] });
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'sent',
      claimedAt: null,
      claimedBy: null,
    });
  });

  it('takes over no claim before this process itself has reached the database for that long', async () => {
    const row = await addRow();
    await db.prisma.outboxMessage.update({
      where: { id: row.id },
      data: { claimedAt: NOW, claimedBy: randomUUID(), handedAt: NOW },
    });
    const sender = new RecordingSender();
    // Its owner has no heartbeat at all, but this process has only just come up (or back).
    expect(await relayWith({ telegram: sender }, 3, { ownerSilentMs: 20_000 }).deliver([row.id])).toEqual(['skipped']);
    expect(sender.sent).toEqual([]);
  });

  it("after a provider's rate limit, waits as long as the provider asks before trying again", async () => {
    const row = await addRow();
    const limited = Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 7000 });
    const relay = relayWith({ telegram: { send: () => Promise.reject(limited) } }, 3, { retryBaseMs: 1000 });
    expect(await relay.attempt(row.id)).toEqual({ outcome: 'retry', retryInMs: 7000 });
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: new Date(NOW.getTime() + 7000),
    });
  });
});
