import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../conversation/types.js';
import { inboxDeps } from '../../test/support/inboxDeps.js';
import { untilSomeoneWaitsForALock } from '../../test/support/lockWaits.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.js';
import { findSender } from './citizenIdentity.js';
import type { InboxDeps } from './inboxTypes.js';

const NOW = new Date('2026-12-04T03:00:00.000Z');
const event = (address: string): InboundEvent => ({
  channel: 'sms',
  address,
  phone: `+${address}`,
  externalId: `ext-${address}-${Math.random().toString(36).slice(2)}`,
  receivedAt: NOW,
  text: 'halo',
});

// findSender locks a known address's conversation in the statement that finds the sender. A
// message that waits there for another message of the same citizen must read the state that
// one committed, not the state from before its wait.
describe('findSender on postgresql', () => {
  let db: TestDatabase;
  let deps: InboxDeps;
  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    ({ deps } = inboxDeps(db, { clock: () => NOW }));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('reads the conversation state committed by the message it waited for', async () => {
    const address = '6281355500001';
    const first = await db.transaction((tx, sql) => findSender(deps, tx, sql, event(address), NOW));
    if (!('citizen' in first)) throw new Error('expected a citizen');
    // A new address: the statement that made the citizen also made their conversation, empty, and locked it.
    expect(first.lockedState).toEqual({});
    const citizenId = first.citizen.id;
    expect(await db.prisma.conversation.findUnique({ where: { citizenId } })).toMatchObject({ state: {} });
    await db.prisma.conversation.update({ where: { citizenId }, data: { state: { step: 'before' } } });

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const a = db.transaction(async (tx, sql) => {
      const found = await findSender(deps, tx, sql, event(address), NOW);
      expect(found).toMatchObject({ citizen: { id: citizenId }, lockedState: { step: 'before' } });
      await tx.conversation.update({ where: { citizenId }, data: { state: { step: 'written by A' } } });
      holding();
      await gate;
    });
    await held;
    const b = db.transaction((tx, sql) => findSender(deps, tx, sql, event(address), NOW));
    // B is waiting for A's locks before A commits.
    await untilSomeoneWaitsForALock(db.prisma);
    release();
    await a;
    expect(await b).toMatchObject({ citizen: { id: citizenId }, lockedState: { step: 'written by A' } });
  });
});
