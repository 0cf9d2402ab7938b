import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint } from '../../test/support/fileComplaint.js';
import { captureLogger } from '../../test/support/silentLogger.js';
import { untilSomeoneWaitsForALock } from '../../test/support/lockWaits.js';
import { createTestDatabase, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import type { Officer } from '../generated/prisma/client.js';
import { handleOfficerMessage, type OfficerDeps } from './handleOfficerMessage.js';

const NOW = new Date('2026-12-07T03:00:00.000Z');

// A claim is decided on the holder the officer was shown. When another officer takes the case
// between that read and the claim's write, the claim is decided again on the holder there now
// (asked to confirm a take-over), and nothing of the first decision is left behind.
describe('an officer claim racing another, on postgresql', () => {
  let db: TestDatabase;
  let deps: OfficerDeps;
  let rina: Officer;
  let budi: Officer;
  let complaint: { id: string; trackingNumber: string };

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    deps = { prisma: db.prisma, city: defaultCity, logger: captureLogger().logger, clock: () => NOW };
    const citizen = await db.prisma.citizen.create({ data: { phone: '6281377770009' } });
    const category = defaultCity.complaintCategories[0]!;
    const filed = await fileComplaint(db.prisma, defaultCity, {
      citizenId: citizen.id,
      categoryCode: category.code,
      description: 'Lampu jalan mati di depan pasar',
      place: 'Jl. Kenanga 1',
      now: NOW,
    });
    complaint = filed;
    const officer = (name: string, address: string) =>
      db.prisma.officer.create({
        data: { name, role: 'officer', departmentCode: filed.departmentCode, channel: 'telegram', address },
      });
    rina = await officer('Rina', '620000901');
    budi = await officer('Budi', '620000902');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('is asked again about the new holder, and writes nothing of its own', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // Budi's claim holds the row, not yet committed.
    const budiTakes = db.prisma.$transaction(async (tx) => {
      await tx.complaint.update({ where: { id: complaint.id }, data: { assignedOfficerId: budi.id } });
      holding();
      await gate;
    });
    await held;
    // Rina reads the case unheld and decides to claim it; her write waits for Budi's.
    const rinaClaims = handleOfficerMessage(deps, rina, `/ambil ${complaint.trackingNumber}`);
    await untilSomeoneWaitsForALock(db.prisma);
    release();
    await budiTakes;
    const outcome = await rinaClaims;
    expect(outcome.replies[0]!.lines[0]).toMatchObject({ key: 'officer.claimAsk', params: { holder: 'Budi' } });
    expect(outcome.outbox).toEqual([]);
    const after = await db.prisma.complaint.findUniqueOrThrow({ where: { id: complaint.id } });
    expect(after.assignedOfficerId).toBe(budi.id);
    const notes = await db.prisma.complaintEvent.findMany({ where: { complaintId: complaint.id, actorId: rina.id } });
    expect(notes).toEqual([]);

    // Confirmed, it is a take-over: Rina holds it, it is on the trail, Budi is told.
    const taken = await handleOfficerMessage(deps, rina, `/ambil ${complaint.trackingNumber} ya`);
    expect(taken.replies[0]!.lines[0]).toMatchObject({ key: 'officer.claimed' });
    expect(taken.outbox).toHaveLength(1);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: taken.outbox[0]!.id } })).toMatchObject({
      officerId: budi.id,
      address: budi.address,
    });
    expect(
      (await db.prisma.complaintEvent.findMany({ where: { complaintId: complaint.id, actorId: rina.id } })).map(
        (e) => e.note,
      ),
    ).toEqual(['Diambil alih dari Budi oleh Rina']);
  });
});
