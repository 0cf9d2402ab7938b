import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitComplaint } from '../core/cases/complaintService.js';
import { submitPermit } from '../core/cases/permitService.js';
import type { InboundEvent } from '../core/conversation/types.js';
import { handleInbound, type InboxDeps } from '../core/inbox/handleInbound.js';
import { storeMedia } from '../core/media/storeMedia.js';
import { searchCases, findOfficerCase } from '../core/officers/caseLookup.js';
import { WITHDRAWN_NOTE } from '../core/privacy/eraseCitizen.js';
import { FakeTelegramApi } from './support/fakeTelegramApi.js';
import { fileComplaint } from './support/fileComplaint.js';
import { inboxDeps } from './support/inboxDeps.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { PHOTO } from './support/photoFiles.js';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from './support/testDatabase.js';

// HAPUS DATA SAYA through the real inbound path: a resident with a permit and a complaint with a
// photo asks for erasure and confirms; their contacts, identities and photos go, their cases stay
// as pseudonymous public records with every event, and their number starts afresh.

const NOW = new Date('2026-12-02T03:00:00.000Z');
const NAME = 'Siti Rahmawati Nasution';
const NIK = '1275014501900007';
const EMAIL = 'siti.rahma@example.id';
let counter = 0;

function inbound(fields: Partial<InboundEvent> & Pick<InboundEvent, 'address'>): InboundEvent {
  counter += 1;
  return {
    channel: 'sms',
    externalId: `erase-${counter}`,
    receivedAt: NOW,
    text: '',
    phone: fields.address,
    ...fields,
  };
}

describe.each(DB_KINDS)('HAPUS DATA SAYA on %s', (kind) => {
  let db: TestDatabase;
  let deps: InboxDeps;
  let logLines: string[];

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ({ deps, logLines } = inboxDeps(db, { clock: () => NOW }));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(deps.mediaDir, { recursive: true, force: true });
  });

  /** A resident on SMS with a permit and a complaint with a photo, both open; returns their ids. */
  async function residentWithCases(phone: string) {
    const first = await handleInbound(deps, inbound({ address: phone, text: 'halo' }));
    if (first.status !== 'handled') throw new Error('not handled');
    const citizenId = first.citizenId;
    await db.prisma.citizen.update({ where: { id: citizenId }, data: { fullName: NAME, email: EMAIL } });
    const file = await storeMedia(deps.mediaDir, PHOTO.bytes, PHOTO.mimeType);
    await db.prisma.mediaFile.create({
      data: { sha256: file.sha256, path: file.path, mimeType: PHOTO.mimeType, sizeBytes: file.sizeBytes },
    });
    const { permit, complaint } = await db.prisma.$transaction(async (tx) => ({
      permit: await submitPermit(
        tx,
        defaultCity,
        {
          citizenId,
          typeCode: 'SIUP',
          applicantName: NAME,
          nik: NIK,
          phone,
          email: EMAIL,
          fields: { businessName: 'Toko Maju Jaya', businessAddress: 'Jl. Sudirman No. 10' },
        },
        NOW,
      ),
      complaint: await submitComplaint(
        tx,
        defaultCity,
        {
          citizenId,
          categoryCode: 'jalan',
          description: 'Jalan berlubang besar di depan sekolah, sudah dua motor jatuh.',
          locationText: 'Jl. Gatot Subroto depan SD Negeri 5',
          latitude: 3.5951962,
          longitude: 98.6722231,
          anonymous: false,
          photos: [file.sha256],
        },
        NOW,
      ),
    }));
    return { citizenId, permitId: permit.id, complaintId: complaint.id, photoPath: file.path };
  }

  it('withdraws the open cases, removes contacts, identities and the photo, and keeps the cases pseudonymised', async () => {
    const phone = '6281100000777';
    const { citizenId, permitId, complaintId, photoPath } = await residentWithCases(phone);
    const asked = await handleInbound(deps, inbound({ address: phone, text: 'HAPUS DATA SAYA' }));
    expect(asked).toMatchObject({ status: 'handled', citizenId });
    const done = await handleInbound(deps, inbound({ address: phone, choice: 'privacy.erase.close' }));
    expect(done).toMatchObject({ status: 'handled', citizenId });

    const citizen = await db.prisma.citizen.findUniqueOrThrow({
      where: { id: citizenId },
      include: { identities: true, conversation: true, dataCopyLinks: true },
    });
    expect(citizen).toMatchObject({ fullName: null, email: null, phone: null, erasedAt: NOW });
    expect(citizen.identities).toEqual([]);
    expect(citizen.conversation).toBeNull();
    const earlier = await db.prisma.outboxMessage.findMany({
      where: { citizenId, id: { notIn: done.status === 'handled' ? done.outboxIds : [] } },
    });
    expect(earlier.length).toBeGreaterThan(0);
    expect(earlier.every((m) => m.address === '' && JSON.stringify(m.replies) === '[]')).toBe(true);
    expect(earlier.filter((m) => m.status === 'pending')).toEqual([]);
    expect(await db.prisma.processedInbound.count({ where: { citizenId } })).toBe(0);

    const permit = await db.prisma.permitApplication.findUniqueOrThrow({
      where: { id: permitId },
      include: { events: { orderBy: { createdAt: 'asc' } } },
    });
    expect(permit).toMatchObject({ status: 'rejected', applicantName: '', nik: '', phone: '', email: null });
    expect(permit.fields).toEqual({});
    expect(permit.pseudonymisedAt).toEqual(NOW);
    expect(permit.events.map((e) => e.toStatus)).toEqual(['submitted', 'rejected']);
    expect(permit.events[1]).toMatchObject({ actorType: 'citizen', note: WITHDRAWN_NOTE });

    const complaint = await db.prisma.complaint.findUniqueOrThrow({
      where: { id: complaintId },
      include: { attachments: true, events: true },
    });
    expect(complaint).toMatchObject({ status: 'rejected', latitude: 3.595, longitude: 98.672, pseudonymisedAt: NOW });
    expect(complaint.attachments).toEqual([]);
    expect(complaint.events.length).toBeGreaterThanOrEqual(2);
    expect(await db.prisma.mediaFile.count({ where: { sha256: PHOTO.sha256 } })).toBe(0);
    expect(existsSync(photoPath)).toBe(false);

    const trail = await db.prisma.personalDataEvent.findMany({ where: { citizenId, action: 'erase' } });
    // One event for the person's own data, one per case.
    expect(trail.map((e) => e.trackingNumber ?? 'person').sort()).toEqual(
      [complaint.trackingNumber, permit.trackingNumber, 'person'].sort(),
    );
    const log = logLines.join('\n');
    for (const personal of [NAME, NIK, EMAIL, phone]) expect(log).not.toContain(personal);

    // An officer finds the cases, with no name, and no longer by the resident's name or number.
    const seen = await findOfficerCase(db.prisma, defaultCity, permit.trackingNumber);
    expect(JSON.stringify(seen)).not.toContain('Siti');
    expect(await searchCases(db.prisma, defaultCity, null, 'Siti', 10)).toEqual([]);
    expect(await searchCases(db.prisma, defaultCity, null, phone, 10)).toEqual([]);

    // The same number writing again is a new resident with no cases.
    const again = await handleInbound(deps, inbound({ address: phone, text: 'halo' }));
    expect(again.status).toBe('handled');
    const newId = again.status === 'handled' ? again.citizenId : '';
    expect(newId).not.toBe(citizenId);
    expect(await db.prisma.permitApplication.count({ where: { citizenId: newId } })).toBe(0);
    expect(await db.prisma.complaint.count({ where: { citizenId: newId } })).toBe(0);
  });

  it('keeps open cases running, pseudonymised, when the resident asks to keep them', async () => {
    const phone = '6281100000778';
    const { citizenId, permitId } = await residentWithCases(phone);
    await handleInbound(deps, inbound({ address: phone, text: 'HAPUS DATA SAYA' }));
    await handleInbound(deps, inbound({ address: phone, choice: 'privacy.erase.keep' }));

    const permit = await db.prisma.permitApplication.findUniqueOrThrow({ where: { id: permitId } });
    expect(permit).toMatchObject({ status: 'submitted', applicantName: '', nik: '', pseudonymisedAt: NOW });
    expect(await db.prisma.channelIdentity.count({ where: { citizenId } })).toBe(0);
    expect(await db.prisma.personalDataEvent.count({ where: { citizenId, action: 'erase' } })).toBe(3);
  });
});

describe('HAPUS DATA SAYA over Telegram, the whole app', () => {
  const TOKEN = '7000000002:AAHfakeTokenForLayanKotaErase_0123456789';
  const api = new FakeTelegramApi(TOKEN);
  const chatId = 5_550_001;
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'lk-erase-tg-'));
  let app: TestApp;
  let updateId = 700_000_000;
  const from = { id: chatId, is_bot: false, first_name: 'Siti', language_code: 'id' };
  const chat = { id: chatId, first_name: 'Siti', type: 'private' };
  const text = (t: string) => ({
    update_id: ++updateId,
    message: { message_id: updateId % 100_000, from, chat, date: 1795838400, text: t },
  });
  const press = (data: string) => ({
    update_id: ++updateId,
    callback_query: {
      id: String(4_500_000_000_000 + updateId),
      from,
      message: {
        message_id: 1,
        from: { id: 7000000002, is_bot: true, first_name: 'LayanKota' },
        chat,
        date: 1795838400,
        text: '...',
      },
      chat_instance: '-5312263347227355002',
      data,
    },
  });
  const prisma = () => app.core.db.prisma;
  /** Delivers an update by long polling and waits until it is handled and its replies left. */
  async function send(update: { update_id: number }) {
    api.queueUpdate(update);
    await eventually(() =>
      prisma().processedInbound.findUnique({
        where: { channel_externalId: { channel: 'telegram', externalId: `tg-${update.update_id}` } },
      }),
    );
    await eventually(async () => (await prisma().outboxMessage.count({ where: { status: 'pending' } })) === 0);
  }
  const identity = () =>
    prisma().channelIdentity.findUnique({
      where: { channel_address: { channel: 'telegram', address: String(chatId) } },
    });

  beforeAll(async () => {
    await api.start();
    app = await startApp({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.baseUrl, TELEGRAM_RATE_PER_SECOND: '50' });
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('erases the chat, its photo and contacts; the chat writing again starts as a new resident', async () => {
    await send(text('halo'));
    const citizenId = (await identity())!.citizenId;
    const file = await storeMedia(mediaDir, PHOTO.bytes, PHOTO.mimeType);
    await prisma().mediaFile.create({
      data: { sha256: file.sha256, path: file.path, mimeType: PHOTO.mimeType, sizeBytes: file.sizeBytes },
    });
    const complaint = await fileComplaint(prisma(), app.core.city, {
      citizenId,
      categoryCode: 'jalan',
      description: 'Jalan berlubang besar di depan sekolah, sudah dua motor jatuh.',
      place: 'Jl. Gatot Subroto',
      now: new Date(),
      photos: [file.sha256],
      at: { latitude: 3.5951962, longitude: 98.6722231 },
    });

    await send(text('HAPUS DATA SAYA'));
    await send(press('privacy.erase.close'));

    expect(await identity()).toBeNull();
    expect(existsSync(file.path)).toBe(false);
    const kept = await prisma().complaint.findUniqueOrThrow({ where: { id: complaint.id }, include: { events: true } });
    expect(kept).toMatchObject({ status: 'rejected', latitude: 3.595, longitude: 98.672 });
    expect(kept.events.map((e) => e.toStatus)).toEqual(['waiting', 'rejected']);
    // Every row written before the erasure is blanked; the one after it is the confirmation.
    const sent = await prisma().outboxMessage.findMany({ where: { citizenId }, orderBy: { seq: 'asc' } });
    const confirmation = sent.pop()!;
    expect(JSON.stringify(confirmation.replies)).toContain('privacy.erased');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((m) => m.address === '')).toBe(true);

    await send(text('halo'));
    const again = await identity();
    expect(again!.citizenId).not.toBe(citizenId);
    expect(await prisma().complaint.count({ where: { citizenId: again!.citizenId } })).toBe(0);
  });
});
