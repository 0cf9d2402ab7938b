import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, Reply } from '../../core/conversation/types.js';
import { handleInbound, releaseHeldInbound, type InboxDeps } from '../../core/inbox/handleInbound.js';
import { inboxDeps } from '../support/inboxDeps.js';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../support/testDatabase.js';

/**
 * The inbound edge under what the internet sends (issue 15, items 5-7): text PostgreSQL would
 * refuse, officer-shaped messages from strangers, and floods, which are held and answered in
 * order, never dropped.
 */
const FLOOD = 5;
const keysOf = (replies: unknown) => (replies as Reply[]).flatMap((r) => r.lines.map((l) => l.key));

describe.each(DB_KINDS)('the inbound edge on %s', (kind) => {
  let db: TestDatabase;
  let deps: InboxDeps;
  let logLines: string[];
  let now = new Date('2026-12-02T03:00:00.000Z');
  let serial = 0;
  const nextAddress = () => `62815${String(++serial).padStart(8, '0')}`;
  const sms = (address: string, text: string, extra: Partial<InboundEvent> = {}): InboundEvent => ({
    channel: 'sms',
    address,
    phone: address,
    externalId: `edge-${kind}-${++serial}`,
    receivedAt: now,
    text,
    ...extra,
  });
  /** Every reply written to an address, oldest first, as the keys of its lines. */
  const answersTo = async (address: string) =>
    (await db.prisma.outboxMessage.findMany({ where: { address }, orderBy: { seq: 'asc' } })).map((r) =>
      keysOf(r.replies),
    );
  const held = async (address: string) => {
    const citizen = await db.prisma.citizen.findUniqueOrThrow({ where: { phone: address } });
    return db.prisma.processedInbound.count({ where: { heldAt: { not: null }, citizenId: citizen.id } });
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ({ deps, logLines } = inboxDeps(db, { clock: () => now, floodPerMinute: FLOOD }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe('text PostgreSQL refuses is made storable before anything reads it', () => {
    // Each read as a complaint at the menu, so the text is kept in the draft (jsonb) as typed.
    const COMPLAINT = 'lampu jalan mati di gang mawar ';
    it.each([
      { name: 'a NUL character', text: `${COMPLAINT}\u0000sejak kemarin` },
      { name: 'a lone surrogate (half an emoji)', text: `${COMPLAINT}\ud83d sejak kemarin` },
      { name: 'other control characters', text: `${COMPLAINT}\u0007\u001bsejak kemarin` },
      // An odd number of units before 1,000 four-byte emoji: a cut at 1,000 UTF-16 units leaves half of one.
      { name: 'a long message cut at the limit', text: `${COMPLAINT}${'🚧'.repeat(1000)}` },
    ])('$name: answered in the dialogue, not with the generic error', async ({ text }) => {
      now = new Date(now.getTime() + 61_000);
      const address = nextAddress();
      const outcome = await handleInbound(deps, sms(address, text));
      expect(outcome.status).toBe('handled');
      const answers = await answersTo(address);
      expect(answers).toHaveLength(1);
      expect(answers[0]).not.toContain('error.generic');
      const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { citizen: { phone: address } } });
      const saved = JSON.stringify(conversation.state);
      expect(saved).toContain('gang mawar');
      expect(saved).not.toMatch(/\\u0000|\\ud83d(?!\\ude)/i);
    });

    it('a NUL in the sender address and provider id is stored without it', async () => {
      const address = nextAddress();
      const outcome = await handleInbound(deps, { ...sms(address, 'menu'), address: `${address}\u0000` });
      expect(outcome.status).toBe('handled');
      expect(await db.prisma.channelIdentity.count({ where: { address } })).toBe(1);
    });
  });

  it('officer commands from a stranger count towards the flood limit like any message', async () => {
    now = new Date(now.getTime() + 61_000);
    const address = nextAddress();
    for (let i = 0; i < 30; i++) await handleInbound(deps, sms(address, '/antrian'));
    const answers = await answersTo(address);
    // The limit's worth refused as officer commands, then one notice that the rest wait.
    expect(answers).toEqual([...Array<string[]>(FLOOD).fill(['officer.notOfficer']), ['flood.slowDown']]);
    expect(await held(address)).toBe(30 - FLOOD);
  });

  it('holds a flood and answers every message in order, as each minute allows', async () => {
    now = new Date(now.getTime() + 61_000);
    const address = nextAddress();
    const texts = ['menu', ...Array<string>(FLOOD - 1).fill('bantuan'), 'bantuan', 'pbb', 'english', 'menu'];
    for (const text of texts) expect((await handleInbound(deps, sms(address, text))).status).toBe('handled');
    // Five answered; the sixth is held and told; the seventh to ninth wait behind it untold.
    expect((await answersTo(address)).map((keys) => keys[0])).toEqual([
      'menu.title',
      ...Array<string>(FLOOD - 1).fill('help.bodyShort'),
      'flood.slowDown',
    ]);
    expect(await held(address)).toBe(4);

    // Within the same minute nothing of this sender's is released.
    expect((await releaseHeldInbound(deps)).filter((r) => r.event.address === address)).toEqual([]);
    // A message arriving while others wait queues behind them, even once the minute allows.
    now = new Date(now.getTime() + 61_000);
    await handleInbound(deps, sms(address, 'bantuan'));
    expect(await held(address)).toBe(5);

    const released = (await releaseHeldInbound(deps)).filter((r) => r.event.address === address);
    expect(released.map((r) => r.event.text)).toEqual(['bantuan', 'pbb', 'english', 'menu', 'bantuan']);
    expect(await held(address)).toBe(0);
    const later = (await answersTo(address)).slice(FLOOD + 1);
    expect(later.map((keys) => keys[0])).toEqual([
      'help.bodyShort',
      'pbb.askNop',
      expect.any(String),
      'menu.title',
      'help.bodyShort',
    ]);
    // "english" switched the language: the answers after it are in English.
    const rows = await db.prisma.outboxMessage.findMany({ where: { address }, orderBy: { seq: 'asc' } });
    expect(rows.at(-1)?.language).toBe('en');
    expect(logLines.some((l) => l.includes(address))).toBe(false);
  });

  it('releases at most the limit per minute, and each held message once when two workers release at once', async () => {
    now = new Date(now.getTime() + 61_000);
    const address = nextAddress();
    for (let i = 0; i < FLOOD * 3; i++) await handleInbound(deps, sms(address, `bantuan`));
    expect(await held(address)).toBe(FLOOD * 2);
    now = new Date(now.getTime() + 61_000);
    const mine = (released: Awaited<ReturnType<typeof releaseHeldInbound>>) =>
      released.filter((r) => r.event.address === address);
    const [a, b] = await Promise.all([releaseHeldInbound(deps), releaseHeldInbound(deps)]);
    expect(mine(a).length + mine(b).length).toBe(FLOOD);
    expect(await held(address)).toBe(FLOOD);
    now = new Date(now.getTime() + 61_000);
    expect(mine(await releaseHeldInbound(deps))).toHaveLength(FLOOD);
    // Every one of the fifteen answered exactly once, plus the one notice.
    const answers = await answersTo(address);
    expect(answers.filter((keys) => keys[0] === 'help.bodyShort')).toHaveLength(FLOOD * 3);
    expect(answers.filter((keys) => keys[0] === 'flood.slowDown')).toHaveLength(1);
  });

  it('a control message (STOP) is never held behind a flood', async () => {
    now = new Date(now.getTime() + 61_000);
    const address = nextAddress();
    for (let i = 0; i < FLOOD + 3; i++) await handleInbound(deps, sms(address, 'bantuan'));
    const outcome = await handleInbound(deps, sms(address, 'STOP', { control: 'optOut' }));
    expect(outcome.status === 'handled' && outcome.outboxIds.length).toBe(1);
    expect((await db.prisma.citizen.findUniqueOrThrow({ where: { phone: address } })).smsOptOut).toBe(true);
  });
});
