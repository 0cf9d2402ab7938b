import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, MediaRef, Reply } from '../core/conversation/types.js';
import { handleInbound, type InboxDeps } from '../core/inbox/handleInbound.js';
import { createTestDatabase, DB_KINDS, type TestDatabase } from './support/testDatabase.js';
import { inboxDeps } from './support/inboxDeps.js';

// Photos of a complaint sent on a channel that carries media (Telegram), through the inbox: each
// photo is fetched, kept once by the SHA-256 of its bytes, and attached once per complaint.

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'complaintPhoto.cases.json'), 'utf8')) as {
  photos: Record<'grey' | 'colour', { url: string; sizeBytes: number; sha256: string }>;
};
const GREY = fixture.photos.grey;
const COLOUR = fixture.photos.colour;
const START = new Date('2026-11-28T03:00:00.000Z'); // Sat 28 Nov 2026 10:00 WIB
const CHAT_ID = '700000123456';
// Names neither a category nor a place, so both are asked: the category by a button, the place
// by a shared location.
const DESCRIPTION = 'Sudah tiga hari menumpuk dan baunya sampai ke rumah warga';
const photo = (url: string): MediaRef => ({ mimeType: 'image/png', url });

/** Every file under a folder, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .sort();
}

const linesOf = (replies: Reply[]) => replies.flatMap((r) => r.lines);

describe.each(DB_KINDS)('complaint photos through the inbox on %s', (kind) => {
  let db: TestDatabase;
  let deps: InboxDeps;
  let mediaDir: string;
  let now = START;
  let counter = 0;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    mediaDir = mkdtempSync(path.join(os.tmpdir(), 'lk-complaint-photo-'));
    ({ deps } = inboxDeps(db, { clock: () => now, mediaDir }));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  /** One Telegram update from the citizen, a minute after the last; returns the replies. */
  async function send(fields: Partial<InboundEvent>): Promise<Reply[]> {
    counter += 1;
    now = new Date(START.getTime() + counter * 60_000);
    const outcome = await handleInbound(deps, {
      channel: 'telegram',
      address: CHAT_ID,
      externalId: `tg-${kind}-${counter}`,
      receivedAt: now,
      text: '',
      ...fields,
    });
    expect(outcome.status).toBe('handled');
    return outcome.status === 'handled' ? outcome.replies : [];
  }

  let trackingNumber = '';

  it('files a complaint with photos sent in the photos step', async () => {
    // The problem first, then its category; the first message also carries the privacy notice.
    expect(linesOf(await send({ text: 'aduan' }))).toEqual([
      { key: 'complaint.ask.description' },
      { key: 'privacy.notice', params: { controller: 'Pemerintah Kota Contoh' } },
    ]);
    expect(linesOf(await send({ text: DESCRIPTION }))).toEqual([{ key: 'complaint.ask.categoryFor' }]);
    expect(linesOf(await send({ choice: 'complaint.category:sampah' }))).toEqual([
      { key: 'complaint.ask.placeOrLocation' },
    ]);
    expect(linesOf(await send({ location: { latitude: 3.5952, longitude: 98.6722 } }))).toEqual([
      { key: 'complaint.ask.photos' },
    ]);

    // The grey photo twice in one message, then again with another one.
    const first = await send({ media: [photo(GREY.url), photo(GREY.url)] });
    expect(linesOf(first)[0]?.key).toBe('complaint.photoReceived');
    const second = await send({ media: [photo(GREY.url), photo(COLOUR.url)] });
    expect(linesOf(second)[0]?.key).toBe('complaint.photoReceived');

    // No anonymity question: the summary offers to send with the name hidden.
    const summaryReplies = await send({ text: 'lanjut' });
    const summary = linesOf(summaryReplies);
    expect(summary[0]).toEqual({ key: 'complaint.summary.title' });
    expect(summary).toContainEqual({
      key: 'complaint.summary.coordinates',
      params: { lat: '3.59520', lon: '98.67220' },
    });
    expect(summary).toContainEqual({ key: 'complaint.summary.photos', params: { count: 2 } });
    expect(summaryReplies.at(-1)?.options?.map((o) => o.id)).toEqual([
      'complaint.submit',
      'complaint.submitAnonymous',
      'complaint.edit',
      'complaint.cancel',
    ]);

    const submitted = linesOf(await send({ choice: 'complaint.submitAnonymous' }));
    expect(submitted).toHaveLength(1);
    expect(submitted[0]).toMatchObject({
      key: 'complaint.submitted',
      params: { department: 'Dinas Lingkungan Hidup' },
    });
    trackingNumber = String(submitted[0]!.params!.trackingNumber);
    expect(trackingNumber).toMatch(/^A\d{8}$/);

    const complaint = await db.prisma.complaint.findUniqueOrThrow({
      where: { trackingNumber },
      include: { attachments: { orderBy: { sha256: 'asc' } } },
    });
    expect(complaint).toMatchObject({
      categoryCode: 'sampah',
      departmentCode: 'DLH',
      description: DESCRIPTION,
      locationText: null,
      latitude: 3.5952,
      longitude: 98.6722,
      anonymous: true,
    });
    // One attachment per distinct photo (the grey hash, 63..., sorts before the colour one, 6b...).
    expect(complaint.attachments.map((a) => a.sha256)).toEqual([GREY.sha256, COLOUR.sha256]);
  });

  it('kept each distinct photo once: one MediaFile row and one file each', async () => {
    expect(trackingNumber).toMatch(/^A\d{8}$/);
    const files = await db.prisma.mediaFile.findMany({ orderBy: { sha256: 'asc' } });
    expect(files.map((f) => [f.sha256, f.mimeType, f.sizeBytes, f.path])).toEqual([
      [GREY.sha256, 'image/png', GREY.sizeBytes, path.join(mediaDir, '63', `${GREY.sha256}.png`)],
      [COLOUR.sha256, 'image/png', COLOUR.sizeBytes, path.join(mediaDir, '6b', `${COLOUR.sha256}.png`)],
    ]);
    expect(filesUnder(mediaDir)).toEqual([
      path.join('63', `${GREY.sha256}.png`),
      path.join('6b', `${COLOUR.sha256}.png`),
    ]);
    const greyBytes = readFileSync(path.join(mediaDir, '63', `${GREY.sha256}.png`));
    expect(greyBytes).toHaveLength(GREY.sizeBytes);
    expect(greyBytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  });

  it('the same photo sent once more in a later message is still kept once', async () => {
    const looked = await send({ text: `cek ${trackingNumber}` });
    expect(looked.at(-1)?.options?.map((o) => o.id)).toEqual([`complaint.more:${trackingNumber}`, 'nav.menu']);
    expect(linesOf(await send({ choice: `complaint.more:${trackingNumber}` }))).toEqual([
      { key: 'complaint.ask.more', params: { trackingNumber } },
    ]);
    const added = await send({ text: 'Sudah lebih banyak lagi', media: [photo(GREY.url)] });
    expect(linesOf(added)).toEqual([{ key: 'complaint.added', params: { trackingNumber } }]);

    const complaint = await db.prisma.complaint.findUniqueOrThrow({
      where: { trackingNumber },
      include: { attachments: true, events: { orderBy: { id: 'asc' } } },
    });
    expect(complaint.attachments).toHaveLength(2);
    expect(complaint.events.map((e) => [e.actorType, e.fromStatus, e.toStatus, e.note])).toEqual([
      ['citizen', null, 'waiting', null],
      ['citizen', 'waiting', 'waiting', 'Sudah lebih banyak lagi +1 foto'],
    ]);
    expect(await db.prisma.mediaFile.count({ where: { sha256: GREY.sha256 } })).toBe(1);
    expect(await db.prisma.mediaFile.count()).toBe(2);
    expect(filesUnder(mediaDir)).toHaveLength(2);
  });
});
