import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintMap } from '../app/commandCenter/boardMap.js';
import { submitPermit } from '../core/cases/permitService.js';
import type { ComplaintStatus } from '../core/cases/complaintLifecycle.js';
import { storeMedia } from '../core/media/storeMedia.js';
import { runRetention } from '../core/privacy/retention.js';
import { fileComplaint } from './support/fileComplaint.js';
import { PHOTO } from './support/photoFiles.js';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from './support/testDatabase.js';

// The daily retention run (UU PDP) over data on both sides of each period of city.json's
// privacy.retention: what is past it goes or is pseudonymised, the rest is untouched, a case's
// public record stays, and a second run changes nothing.

const NOW = new Date('2026-12-02T19:00:00.000Z'); // 02:00 WIB, when the job runs
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const MENU_STATE = { v: 1, lang: 'en', flow: { name: 'menu' }, options: [], lastActivityAt: null };
const DRAFT_STATE = {
  v: 1,
  lang: 'en',
  flow: { name: 'permit.fields', draft: { typeCode: 'SIUP', fields: { businessName: 'Toko Maju' } } },
  options: [],
  lastActivityAt: ago(40).toISOString(),
  parked: { complaint: { draft: { description: 'Lampu mati' }, at: ago(41).toISOString() } },
};

describe.each(DB_KINDS)('the retention run on %s', (kind) => {
  let db: TestDatabase;
  const mediaDir = path.join(tmpdir(), `lk-retention-${kind}-${process.pid}`);
  let seq = 0;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  async function citizen(lastActivityDays: number, state: object) {
    seq += 1;
    const c = await db.prisma.citizen.create({ data: { phone: `62811000090${seq}`, fullName: 'Budi Santoso' } });
    await db.prisma.conversation.create({
      data: { citizenId: c.id, state: state as never, lastActivityAt: ago(lastActivityDays) },
    });
    return c.id;
  }

  async function closedPermit(citizenId: string, closedDays: number) {
    const filed = await db.prisma.$transaction((tx) =>
      submitPermit(
        tx,
        defaultCity,
        {
          citizenId,
          typeCode: 'SIUP',
          applicantName: 'Budi Santoso',
          nik: '1275010101800003',
          phone: '6281100000901',
          email: 'budi@example.id',
          fields: { businessName: 'Toko Budi' },
        },
        ago(closedDays + 20),
      ),
    );
    return db.prisma.permitApplication.update({
      where: { id: filed.id },
      data: { status: 'done', closedAt: ago(closedDays) },
    });
  }

  async function closedComplaint(citizenId: string, closedDays: number, status: ComplaintStatus = 'done') {
    const file = await storeMedia(mediaDir, Buffer.concat([PHOTO.bytes, Buffer.from([seq++])]), PHOTO.mimeType);
    await db.prisma.mediaFile.create({
      data: { sha256: file.sha256, path: file.path, mimeType: PHOTO.mimeType, sizeBytes: file.sizeBytes },
    });
    const filed = await fileComplaint(db.prisma, defaultCity, {
      citizenId,
      categoryCode: 'jalan',
      description: 'Jalan berlubang besar di depan sekolah, sudah dua motor jatuh.',
      place: 'Jl. Gatot Subroto',
      now: ago(closedDays + 20),
      photos: [file.sha256],
      at: { latitude: 3.5951962, longitude: 98.6722231 },
    });
    const c = await db.prisma.complaint.update({
      where: { id: filed.id },
      data: { status, closedAt: ago(closedDays) },
    });
    return { ...c, photoPath: file.path };
  }

  it('removes or pseudonymises what is past its period, leaves the rest, and a second run changes nothing', async () => {
    const stale = await citizen(40, DRAFT_STATE);
    const fresh = await citizen(2, { ...DRAFT_STATE, lastActivityAt: ago(2).toISOString() });
    const oldPermit = await closedPermit(stale, 1900);
    const newPermit = await closedPermit(stale, 100);
    const oldComplaint = await closedComplaint(stale, 400);
    const newComplaint = await closedComplaint(fresh, 100);
    await db.prisma.processedInbound.createMany({
      data: [
        { channel: 'sms', externalId: 'old', citizenId: stale, receivedAt: ago(31) },
        {
          channel: 'sms',
          externalId: 'old-held',
          citizenId: stale,
          receivedAt: ago(31),
          heldAt: ago(31),
          heldEvent: {},
        },
        { channel: 'sms', externalId: 'new', citizenId: stale, receivedAt: ago(29) },
      ],
    });
    const replies = [{ lines: [{ key: 'menu.greeting', params: { name: 'Budi' } }] }];
    const outbox = (status: 'sent' | 'pending', days: number) =>
      db.prisma.outboxMessage.create({
        data: {
          citizenId: stale,
          channel: 'sms',
          address: '6281100000901',
          language: 'id',
          replies,
          status,
          createdAt: ago(days),
        },
      });
    const [oldSent, oldPending, newSent] = [
      await outbox('sent', 91),
      await outbox('pending', 91),
      await outbox('sent', 89),
    ];

    const report = await runRetention(db.prisma, defaultCity, NOW);
    expect(report).toEqual({
      drafts: 1,
      messageIds: 1,
      replyBodies: 1,
      photos: 1,
      files: 1,
      permits: 1,
      coordinates: 1,
    });

    // Drafts: the idle conversation starts afresh in its language; the recent one is kept.
    const conversations = await db.prisma.conversation.findMany({ where: { citizenId: { in: [stale, fresh] } } });
    expect(conversations.find((c) => c.citizenId === stale)!.state).toEqual(MENU_STATE);
    expect(conversations.find((c) => c.citizenId === fresh)!.state).toMatchObject({ flow: DRAFT_STATE.flow });
    // Message ids: the old one forgotten, the held one (still to answer) and the recent one kept.
    const ids = await db.prisma.processedInbound.findMany({ select: { externalId: true } });
    expect(ids.map((i) => i.externalId).sort()).toEqual(['new', 'old-held']);
    // Reply bodies: only the settled one past its period.
    const rows = await db.prisma.outboxMessage.findMany({
      where: { id: { in: [oldSent.id, oldPending.id, newSent.id] } },
    });
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(row(oldSent.id)).toMatchObject({ replies: [], address: '', status: 'sent' });
    expect(row(oldPending.id)).toMatchObject({ replies, address: '6281100000901' });
    expect(row(newSent.id)).toMatchObject({ replies });

    // Permits: the one closed five years ago pseudonymised, its public record kept.
    const permits = await db.prisma.permitApplication.findMany({
      where: { id: { in: [oldPermit.id, newPermit.id] } },
      include: { events: true },
    });
    const oldP = permits.find((p) => p.id === oldPermit.id)!;
    expect(oldP).toMatchObject({
      applicantName: '',
      nik: '',
      phone: '',
      email: null,
      fields: {},
      pseudonymisedAt: NOW,
      trackingNumber: oldPermit.trackingNumber,
      permitTypeCode: 'SIUP',
      departmentCode: oldPermit.departmentCode,
      status: 'done',
      submittedAt: oldPermit.submittedAt,
      closedAt: oldPermit.closedAt,
    });
    expect(oldP.events.length).toBe(1);
    expect(permits.find((p) => p.id === newPermit.id)).toMatchObject({
      nik: '1275010101800003',
      pseudonymisedAt: null,
    });

    // Complaints: the one closed over a year ago loses its photo (file too) and its exact place.
    const complaints = await db.prisma.complaint.findMany({
      where: { id: { in: [oldComplaint.id, newComplaint.id] } },
      include: { attachments: true },
    });
    const oldC = complaints.find((c) => c.id === oldComplaint.id)!;
    expect(oldC).toMatchObject({ latitude: 3.595, longitude: 98.672, attachments: [], status: 'done' });
    expect(existsSync(oldComplaint.photoPath)).toBe(false);
    const newC = complaints.find((c) => c.id === newComplaint.id)!;
    expect(newC).toMatchObject({ latitude: 3.5951962, longitude: 98.6722231 });
    expect(newC.attachments).toHaveLength(1);
    expect(existsSync(newComplaint.photoPath)).toBe(true);

    const trail = await db.prisma.personalDataEvent.findMany({ where: { action: 'retention' } });
    expect(trail.map((e) => `${e.trackingNumber}:${e.fields.join(',')}`).sort()).toEqual(
      [
        `${oldPermit.trackingNumber}:name,nik,phone,email,fields`,
        `${oldComplaint.trackingNumber}:photos`,
        `${oldComplaint.trackingNumber}:location`,
      ].sort(),
    );
    expect(trail.every((e) => e.via === 'job' && e.actorType === 'system')).toBe(true);

    // Twice, and twice at once: nothing more to change.
    const again = await Promise.all([
      runRetention(db.prisma, defaultCity, NOW),
      runRetention(db.prisma, defaultCity, NOW),
    ]);
    const zero = { drafts: 0, messageIds: 0, replyBodies: 0, photos: 0, files: 0, permits: 0, coordinates: 0 };
    expect(again).toEqual([zero, zero]);
    expect(await db.prisma.personalDataEvent.count({ where: { action: 'retention' } })).toBe(3);
    const runs = await db.prisma.retentionRun.findMany({ orderBy: { id: 'asc' } });
    expect(runs.map((r) => r.report)).toEqual([report, zero, zero]);
  });

  // The board is for signed-in officers, who must tell two complaints a few metres apart (its
  // clusters zoom into them): it shows what is stored, exact until retention rounds it.
  it('leaves the board map as stored: exact while the case is fresh, rounded in the row once past its period', async () => {
    const owner = await citizen(1, MENU_STATE);
    const fresh = await closedComplaint(owner, 1, 'in_process');
    const old = await closedComplaint(owner, defaultCity.privacy.retention.coordinatesDaysAfterClose + 1, 'done');
    await runRetention(db.prisma, defaultCity, NOW);
    const map = await complaintMap(db.prisma, defaultCity, { departments: null, now: NOW, lang: 'id' });
    const point = (trackingNumber: string) => map.points.find((p) => p.trackingNumber === trackingNumber);
    expect(point(fresh.trackingNumber)).toMatchObject({ latitude: 3.5951962, longitude: 98.6722231 });
    expect(await db.prisma.complaint.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({
      latitude: 3.595,
      longitude: 98.672,
    });
  });
});
