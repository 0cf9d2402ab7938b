import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationState, InboundEvent } from '../conversation/types.js';
import { fileComplaint } from '../../test/support/fileComplaint.js';
import { inboxDeps } from '../../test/support/inboxDeps.js';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { handleInbound, type InboxDeps } from './handleInbound.js';

const NOW = new Date('2026-11-25T03:00:00.000Z');
const CITIZEN = '6281377770001';
const OFFICER_CHAT = '620000777';
const REPLY = 'Tim kami datang besok pagi';

let serial = 0;
const fromOfficer = (text: string, externalId = `tg-officer-${++serial}`): InboundEvent => ({
  channel: 'telegram',
  address: OFFICER_CHAT,
  externalId,
  receivedAt: NOW,
  text,
});

/**
 * An officer's command that fails halfway (the database refuses the message to the citizen,
 * after the case note was written) is answered, changes nothing, and is not swallowed.
 */
describe.each(DB_KINDS)('an officer command that fails, on %s', (kind) => {
  let db: TestDatabase;
  let deps: InboxDeps;
  let logLines: string[];
  let trackingNumber: string;
  let complaintId: string;
  let citizenId: string;
  /** Rows to the citizen before any officer wrote (the menu, the privacy notice). */
  let citizenRowsBefore: number;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ({ deps, logLines } = inboxDeps(db, { clock: () => NOW }));
    const first = await handleInbound(deps, {
      channel: 'sms',
      address: CITIZEN,
      phone: CITIZEN,
      externalId: 'sms-citizen-1',
      receivedAt: NOW,
      text: 'halo',
    });
    if (first.status !== 'handled') throw new Error('the citizen was not answered');
    citizenId = first.citizenId;
    const category = defaultCity.complaintCategories[0]!;
    const filed = await fileComplaint(db.prisma, defaultCity, {
      citizenId,
      categoryCode: category.code,
      description: 'Lampu jalan mati di depan sekolah',
      place: 'Jl. Mawar 3',
      now: NOW,
    });
    ({ trackingNumber, id: complaintId } = filed);
    await db.prisma.officer.create({
      data: {
        name: 'Rina',
        role: 'officer',
        departmentCode: filed.departmentCode,
        channel: 'telegram',
        address: OFFICER_CHAT,
        language: 'en',
      },
    });
    citizenRowsBefore = await citizenRows();
    // The fault: the database refuses any message to the citizen.
    await db.sql.exec(`
      CREATE FUNCTION refuse_citizen_row() RETURNS trigger AS $$
      BEGIN
        IF NEW.address = '${CITIZEN}' THEN RAISE EXCEPTION 'disk full (test fault)'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_citizen_row BEFORE INSERT ON "OutboxMessage"
        FOR EACH ROW EXECUTE FUNCTION refuse_citizen_row();`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const officerRows = () =>
    db.prisma.outboxMessage.findMany({ where: { address: OFFICER_CHAT }, orderBy: { seq: 'asc' } });
  const citizenRows = () => db.prisma.outboxMessage.count({ where: { address: CITIZEN } });
  const notes = () =>
    db.prisma.complaintEvent.count({ where: { complaintId, note: { startsWith: 'Balasan petugas' } } });
  const thread = async () =>
    ((await db.prisma.conversation.findUniqueOrThrow({ where: { citizenId } })).state as unknown as ConversationState)
      .thread ?? null;

  it('answers the officer in their language with the command to send again, and changes nothing', async () => {
    const command = `/balas ${trackingNumber} ${REPLY}`;
    const event = fromOfficer(command);
    const outcome = await handleInbound(deps, event);

    expect(outcome).toMatchObject({
      status: 'handled',
      replies: [{ lines: [{ key: 'officer.failed', params: { command } }] }],
    });
    const rows = await officerRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      language: 'en',
      status: 'pending',
      replies: outcome.status === 'handled' ? outcome.replies : [],
    });
    // Rolled back as one: no note on the case, no first response, no thread, no row to the citizen.
    expect(await notes()).toBe(0);
    expect((await db.prisma.complaint.findUniqueOrThrow({ where: { id: complaintId } })).firstRespondedAt).toBeNull();
    expect(await thread()).toBeNull();
    expect(await citizenRows()).toBe(citizenRowsBefore);
    // Recorded as handled, so the provider's retry of the same update is not answered twice.
    expect(
      await db.prisma.processedInbound.count({ where: { channel: 'telegram', externalId: event.externalId } }),
    ).toBe(1);
    expect(await handleInbound(deps, event)).toEqual({ status: 'duplicate' });
    expect(await officerRows()).toHaveLength(1);
    const logged = logLines.filter((l) => l.includes('officer command failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('disk full (test fault)');
    expect(logged[0]).not.toContain(REPLY);
  });

  it('carries the same command out when it is sent again after the fault is gone', async () => {
    await db.sql.exec('DROP TRIGGER refuse_citizen_row ON "OutboxMessage"');
    const outcome = await handleInbound(deps, fromOfficer(`/balas ${trackingNumber} ${REPLY}`));

    expect(outcome).toMatchObject({ status: 'handled', replies: [{ lines: [{ key: 'officer.replySent' }] }] });
    expect(await notes()).toBe(1);
    expect(await thread()).toEqual({ trackingNumber, officerId: expect.any(String) });
    const toCitizen = await db.prisma.outboxMessage.findMany({ where: { address: CITIZEN }, orderBy: { seq: 'asc' } });
    expect(toCitizen).toHaveLength(citizenRowsBefore + 1);
    expect(JSON.stringify(toCitizen.at(-1)!.replies)).toContain(REPLY);
  });
});
