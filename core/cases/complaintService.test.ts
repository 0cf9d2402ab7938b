import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import { CaseError, type Actor } from './CaseError.js';
import type { ComplaintStatus } from './complaintLifecycle.js';
import {
  addComplaintInfo,
  findDuplicateComplaint,
  moveComplaint,
  rateComplaint,
  recordFirstResponse,
  submitComplaint,
  textSimilarity,
  type ComplaintSubmission,
} from './complaintService.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'complaintService.cases.json'), 'utf8')) as {
  submissions: Array<{ label: string; category: string; filedAt: string; department: string; deadlineAt: string }>;
  refusedMoves: Array<{ from: ComplaintStatus; to: ComplaintStatus }>;
  notesRequired: Array<{ to: ComplaintStatus; note: string | null }>;
  similarity: Array<{ label: string; a: string; b: string; exact?: number; min?: number; max?: number }>;
  duplicates: Array<{
    label: string;
    probe: { citizen: 'same' | 'other'; category: string; description: string; hoursLater: number };
    firstClosed: ComplaintStatus | null;
    found: boolean;
  }>;
};

const HOUR = 3_600_000;
const T0 = new Date('2026-11-23T02:00:00.000Z'); // Mon 23 Nov 2026 09:00 WIB
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const OFFICER: Actor = { type: 'officer', id: 'officer-pupr-1' };
const DESCRIPTION = 'Jalan berlubang besar di depan Pasar Baru sejak minggu lalu';
const PHOTO_A = 'a'.repeat(64);
const PHOTO_B = 'b'.repeat(64);

/** The moves that bring a new complaint to a status. */
const PATH_TO: Record<ComplaintStatus, Array<{ to: ComplaintStatus; note?: string; departmentCode?: string }>> = {
  waiting: [],
  verified: [{ to: 'verified' }],
  dispositioned: [{ to: 'verified' }, { to: 'dispositioned', note: 'Diteruskan ke bidang jalan' }],
  in_process: [{ to: 'verified' }, { to: 'in_process' }],
  done: [{ to: 'verified' }, { to: 'in_process' }, { to: 'done', note: 'Lubang sudah ditambal' }],
  rejected: [{ to: 'rejected', note: 'Laporan tidak jelas' }],
  not_authority: [{ to: 'not_authority', note: 'Jalan nasional, kewenangan BBPJN' }],
};

/** A seeded linear congruential generator, so tracking numbers are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The error a promise rejects with, or null when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

async function expectCaseError(promise: Promise<unknown>, code: CaseError['code']): Promise<void> {
  const error = await failureOf(promise);
  expect(error).toBeInstanceOf(CaseError);
  expect(error).toMatchObject({ code });
}

describe('textSimilarity', () => {
  it.each(fixture.similarity)('$label', ({ a, b, exact, min, max }) => {
    const similarity = textSimilarity(a, b);
    // Symmetric, whichever text comes first.
    expect(textSimilarity(b, a)).toBe(similarity);
    if (exact !== undefined) expect(similarity).toBeCloseTo(exact, 10);
    if (min !== undefined) expect(similarity).toBeGreaterThanOrEqual(min);
    if (max !== undefined) expect(similarity).toBeLessThanOrEqual(max);
    expect(exact ?? min ?? max).toBeDefined();
  });
});

describe.each(DB_KINDS)('complaint service on %s', (kind) => {
  let db: TestDatabase;
  let citizenId: string;
  let strangerId: string;
  const random = lcg(kind === 'pglite' ? 7 : 31);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    citizenId = (await db.prisma.citizen.create({ data: { phone: '6281298765001' } })).id;
    strangerId = (await db.prisma.citizen.create({ data: { phone: '6281298765002' } })).id;
    for (const sha256 of [PHOTO_A, PHOTO_B]) {
      await db.prisma.mediaFile.create({
        data: {
          sha256,
          path: `/srv/media/${sha256.slice(0, 2)}/${sha256}.jpg`,
          mimeType: 'image/jpeg',
          sizeBytes: 2048,
        },
      });
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  const newCitizen = async () => (await db.prisma.citizen.create({ data: {} })).id;

  function submission(categoryCode: string, owner = citizenId, over: Partial<ComplaintSubmission> = {}) {
    return {
      citizenId: owner,
      categoryCode,
      description: DESCRIPTION,
      locationText: 'Jl. Merdeka No. 5, depan Pasar Baru',
      latitude: null,
      longitude: null,
      anonymous: false,
      photos: [],
      ...over,
    } satisfies ComplaintSubmission;
  }

  function file(categoryCode: string, now: Date, owner = citizenId, over: Partial<ComplaintSubmission> = {}) {
    return db.prisma.$transaction((tx) =>
      submitComplaint(tx, defaultCity, submission(categoryCode, owner, over), now, random),
    );
  }

  /** Files a jalan complaint at T0 and moves it, one hour per move, to a status. */
  async function fileAndMove(status: ComplaintStatus, owner = citizenId) {
    const filed = await file('jalan', T0, owner);
    let hour = 1;
    for (const move of PATH_TO[status]) {
      await moveComplaint(db.prisma, {
        trackingNumber: filed.trackingNumber,
        actor: OFFICER,
        now: at(hour++),
        ...move,
      });
    }
    return filed;
  }

  const eventsOf = (complaintId: string) =>
    db.prisma.complaintEvent.findMany({ where: { complaintId }, orderBy: { id: 'asc' } });
  const complaintOf = (id: string) => db.prisma.complaint.findUniqueOrThrow({ where: { id } });

  describe('submitComplaint', () => {
    it.each(fixture.submissions)('$label', async ({ category, filedAt, department, deadlineAt }) => {
      const now = new Date(filedAt);
      const filed = await file(category, now);

      expect(filed.trackingNumber).toMatch(/^A\d{8}$/);
      expect(parseTrackingNumber(filed.trackingNumber)).toEqual({
        ok: true,
        trackingNumber: filed.trackingNumber,
        kind: 'complaint',
      });
      expect(filed.departmentCode).toBe(department);
      expect(filed.deadlineAt.toISOString()).toBe(deadlineAt);

      expect(await complaintOf(filed.id)).toMatchObject({
        trackingNumber: filed.trackingNumber,
        citizenId,
        categoryCode: category,
        departmentCode: department,
        status: 'waiting',
        description: DESCRIPTION,
        locationText: 'Jl. Merdeka No. 5, depan Pasar Baru',
        anonymous: false,
        deadlineAt: new Date(deadlineAt),
        assignedOfficerId: null,
        rating: null,
        closedAt: null,
        createdAt: now,
      });
      expect(await eventsOf(filed.id)).toEqual([
        expect.objectContaining({
          actorType: 'citizen',
          actorId: citizenId,
          fromStatus: null,
          toStatus: 'waiting',
          departmentCode: department,
          note: null,
          createdAt: now,
        }),
      ]);
    });

    it('keeps a shared location, anonymity and one attachment per distinct photo', async () => {
      const filed = await file('sampah', T0, citizenId, {
        locationText: null,
        latitude: 3.5952,
        longitude: 98.6722,
        anonymous: true,
        photos: [PHOTO_A, PHOTO_A, PHOTO_B],
      });
      const stored = await db.prisma.complaint.findUniqueOrThrow({
        where: { id: filed.id },
        include: { attachments: { orderBy: { sha256: 'asc' } } },
      });
      expect(stored).toMatchObject({ locationText: null, latitude: 3.5952, longitude: 98.6722, anonymous: true });
      expect(stored.attachments.map((a) => a.sha256)).toEqual([PHOTO_A, PHOTO_B]);
    });

    it('refuses an unknown category as not_found and files nothing', async () => {
      const complaints = await db.prisma.complaint.count();
      const events = await db.prisma.complaintEvent.count();
      await expectCaseError(file('banjir-bandang', T0), 'not_found');
      expect(await db.prisma.complaint.count()).toBe(complaints);
      expect(await db.prisma.complaintEvent.count()).toBe(events);
    });
  });

  describe('moveComplaint', () => {
    it('goes waiting -> verified -> dispositioned (to DLH) -> in_process -> done, one event per move', async () => {
      const filed = await file('jalan', T0);
      expect(filed.departmentCode).toBe('PUPR');
      const moves = [
        { to: 'verified' as const, now: at(1) },
        {
          to: 'dispositioned' as const,
          note: 'Lubang akibat saluran tersumbat sampah',
          departmentCode: 'DLH',
          now: at(2),
        },
        { to: 'in_process' as const, note: 'Tim kebersihan dijadwalkan Rabu', now: at(5) },
        { to: 'done' as const, note: 'Saluran dibersihkan', now: at(30) },
      ];
      const expectedDepartment = ['PUPR', 'DLH', 'DLH', 'DLH'];
      for (const [i, move] of moves.entries()) {
        const updated = await moveComplaint(db.prisma, {
          trackingNumber: filed.trackingNumber,
          actor: OFFICER,
          ...move,
        });
        expect(updated.status).toBe(move.to);
        expect(updated.departmentCode).toBe(expectedDepartment[i]);
        expect(updated.closedAt).toEqual(move.to === 'done' ? at(30) : null);
      }

      const events = await eventsOf(filed.id);
      expect(
        events.map((e) => [e.actorType, e.actorId, e.fromStatus, e.toStatus, e.departmentCode, e.note, e.createdAt]),
      ).toEqual([
        ['citizen', citizenId, null, 'waiting', 'PUPR', null, T0],
        ['officer', OFFICER.id, 'waiting', 'verified', null, null, at(1)],
        ['officer', OFFICER.id, 'verified', 'dispositioned', 'DLH', 'Lubang akibat saluran tersumbat sampah', at(2)],
        ['officer', OFFICER.id, 'dispositioned', 'in_process', null, 'Tim kebersihan dijadwalkan Rabu', at(5)],
        ['officer', OFFICER.id, 'in_process', 'done', null, 'Saluran dibersihkan', at(30)],
      ]);
      expect(await complaintOf(filed.id)).toMatchObject({
        status: 'done',
        departmentCode: 'DLH',
        categoryCode: 'jalan',
        closedAt: at(30),
        deadlineAt: filed.deadlineAt,
      });
    });

    it.each(fixture.refusedMoves)(
      'refuses $from -> $to as invalid_transition and changes nothing',
      async ({ from, to }) => {
        const filed = await fileAndMove(from);
        const before = await complaintOf(filed.id);
        const eventCount = (await eventsOf(filed.id)).length;
        expect(before.status).toBe(from);
        expect(eventCount).toBe(1 + PATH_TO[from].length);

        await expectCaseError(
          moveComplaint(db.prisma, {
            trackingNumber: filed.trackingNumber,
            to,
            actor: OFFICER,
            note: 'catatan',
            departmentCode: 'DLH',
            now: at(50),
          }),
          'invalid_transition',
        );

        expect(await complaintOf(filed.id)).toEqual(before);
        expect(await eventsOf(filed.id)).toHaveLength(eventCount);
      },
    );

    it.each(fixture.notesRequired)('refuses $to with note $note as note_required', async ({ to, note }) => {
      const filed = await fileAndMove('verified');
      await expectCaseError(
        moveComplaint(db.prisma, {
          trackingNumber: filed.trackingNumber,
          to,
          actor: OFFICER,
          note: note ?? undefined,
          departmentCode: 'DLH',
          now: at(9),
        }),
        'note_required',
      );
      expect(await complaintOf(filed.id)).toMatchObject({ status: 'verified', departmentCode: 'PUPR', closedAt: null });
      expect(await eventsOf(filed.id)).toHaveLength(2);
    });

    // BUG: a disposition to a department code that does not exist reaches Prisma's relation
    // connect and fails with PrismaClientKnownRequestError P2025, not a CaseError, so a caller
    // (an officer's admin command) cannot tell the officer what was wrong. submitComplaint refuses
    // an unknown category as CaseError not_found; the same is expected here.
    it('refuses a disposition to an unknown department as not_found and changes nothing', async () => {
      const filed = await fileAndMove('verified');
      await expectCaseError(
        moveComplaint(db.prisma, {
          trackingNumber: filed.trackingNumber,
          to: 'dispositioned',
          note: 'Diteruskan',
          departmentCode: 'DINAS-TIDAK-ADA',
          actor: OFFICER,
          now: at(9),
        }),
        'not_found',
      );
      expect(await complaintOf(filed.id)).toMatchObject({ status: 'verified', departmentCode: 'PUPR' });
    });

    it('refuses an unknown tracking number as not_found', async () => {
      await expectCaseError(
        moveComplaint(db.prisma, { trackingNumber: 'A10000004', to: 'verified', actor: OFFICER, now: at(1) }),
        'not_found',
      );
    });
  });

  describe("SP4N-LAPOR's clocks", () => {
    it('gives a complaint its verification and first-response deadlines from city data, and its three clocks to start', async () => {
      const filed = await file('jalan', T0);
      // Mon 23 Nov 09:00 WIB, 3 and 3 working days: the end of Thursday 26 Nov WIB.
      expect(await complaintOf(filed.id)).toMatchObject({
        verifyDeadlineAt: new Date('2026-11-26T16:59:59.999Z'),
        verifiedAt: null,
        firstResponseDeadlineAt: new Date('2026-11-26T16:59:59.999Z'),
        firstRespondedAt: null,
      });
      expect(filed.clocks.map((c) => [c.clock, c.deadlineAt.toISOString()])).toEqual([
        ['verify', '2026-11-26T16:59:59.999Z'],
        ['firstResponse', '2026-11-26T16:59:59.999Z'],
        ['resolve', filed.deadlineAt.toISOString()],
      ]);
    });

    it.each<{ status: ComplaintStatus; verifiedAt: number | null; firstRespondedAt: number | null }>([
      { status: 'waiting', verifiedAt: null, firstRespondedAt: null },
      // A bare verification is no answer to the reporter; a forward's note is.
      { status: 'verified', verifiedAt: 1, firstRespondedAt: null },
      { status: 'dispositioned', verifiedAt: 1, firstRespondedAt: 2 },
      { status: 'in_process', verifiedAt: 1, firstRespondedAt: null },
      { status: 'done', verifiedAt: 1, firstRespondedAt: 3 },
      { status: 'rejected', verifiedAt: 1, firstRespondedAt: 1 },
      { status: 'not_authority', verifiedAt: 1, firstRespondedAt: 1 },
    ])('brought to $status: verified at $verifiedAt, first answered at $firstRespondedAt (hours)', async (row) => {
      const filed = await fileAndMove(row.status);
      const hours = (h: number | null) => (h === null ? null : at(h));
      expect(await complaintOf(filed.id)).toMatchObject({
        verifiedAt: hours(row.verifiedAt),
        firstRespondedAt: hours(row.firstRespondedAt),
      });
    });

    it('stops each clock once: a later move keeps the first time', async () => {
      const filed = await fileAndMove('dispositioned');
      await moveComplaint(db.prisma, {
        trackingNumber: filed.trackingNumber,
        to: 'in_process',
        note: 'Tim berangkat',
        actor: OFFICER,
        now: at(9),
      });
      expect(await complaintOf(filed.id)).toMatchObject({ verifiedAt: at(1), firstRespondedAt: at(2) });
    });

    it("records an officer's reply as the first response once, and gives the clocks to move", async () => {
      const filed = await fileAndMove('verified');
      const clocks = await db.prisma.$transaction((tx) => recordFirstResponse(tx, filed.id, at(4)));
      expect(clocks?.map((c) => [c.clock, c.running])).toEqual([
        ['verify', false],
        ['firstResponse', false],
        ['resolve', true],
      ]);
      expect(await db.prisma.$transaction((tx) => recordFirstResponse(tx, filed.id, at(6)))).toBeNull();
      expect((await complaintOf(filed.id)).firstRespondedAt).toEqual(at(4));
    });
  });

  describe('addComplaintInfo', () => {
    it('adds a citizen event to an open complaint and keeps its status', async () => {
      const filed = await fileAndMove('in_process');
      await db.prisma.$transaction((tx) =>
        addComplaintInfo(
          tx,
          {
            trackingNumber: filed.trackingNumber,
            citizenId,
            text: '  Lubangnya makin lebar  ',
            photos: [PHOTO_A, PHOTO_B],
          },
          at(10),
        ),
      );
      await db.prisma.$transaction((tx) =>
        addComplaintInfo(
          tx,
          { trackingNumber: filed.trackingNumber, citizenId, text: null, photos: [PHOTO_A] },
          at(11),
        ),
      );

      expect((await complaintOf(filed.id)).status).toBe('in_process');
      const events = await eventsOf(filed.id);
      expect(
        events.slice(-2).map((e) => [e.actorType, e.actorId, e.fromStatus, e.toStatus, e.note, e.createdAt]),
      ).toEqual([
        ['citizen', citizenId, 'in_process', 'in_process', 'Lubangnya makin lebar +2 foto', at(10)],
        ['citizen', citizenId, 'in_process', 'in_process', '+1 foto', at(11)],
      ]);
      expect(events).toHaveLength(1 + 2 + 2);
      const attachments = await db.prisma.complaintAttachment.findMany({
        where: { complaintId: filed.id },
        orderBy: { sha256: 'asc' },
      });
      expect(attachments.map((a) => a.sha256)).toEqual([PHOTO_A, PHOTO_B]);
    });

    it.each([
      {
        label: 'a rejected complaint',
        status: 'rejected' as const,
        owner: 'citizen',
        code: 'invalid_transition' as const,
      },
      { label: 'a finished complaint', status: 'done' as const, owner: 'citizen', code: 'invalid_transition' as const },
      { label: "someone else's complaint", status: 'verified' as const, owner: 'stranger', code: 'not_found' as const },
    ])('refuses $label with $code and adds nothing', async ({ status, owner, code }) => {
      const filed = await fileAndMove(status);
      const before = await eventsOf(filed.id);
      await expectCaseError(
        db.prisma.$transaction((tx) =>
          addComplaintInfo(
            tx,
            {
              trackingNumber: filed.trackingNumber,
              citizenId: owner === 'stranger' ? strangerId : citizenId,
              text: 'Masih belum diperbaiki',
              photos: [PHOTO_A],
            },
            at(20),
          ),
        ),
        code,
      );
      expect(await eventsOf(filed.id)).toEqual(before);
      expect(await db.prisma.complaintAttachment.count({ where: { complaintId: filed.id } })).toBe(0);
      expect((await complaintOf(filed.id)).status).toBe(status);
    });
  });

  describe('rateComplaint', () => {
    const rate = (trackingNumber: string, rating: number, comment: string | null, owner = citizenId) =>
      db.prisma.$transaction((tx) => rateComplaint(tx, { trackingNumber, citizenId: owner, rating, comment }, at(40)));

    it.each([
      { rating: 5, reopened: false },
      { rating: 4, reopened: false },
      { rating: 3, reopened: false },
      { rating: 2, reopened: true },
      { rating: 1, reopened: true },
    ])('rating $rating: reopened $reopened', async ({ rating, reopened }) => {
      const filed = await fileAndMove('done');
      const before = await eventsOf(filed.id);
      expect(before).toHaveLength(4);

      expect(await rate(filed.trackingNumber, rating, ' Lubang belum rata ')).toEqual({ reopened });

      const complaint = await complaintOf(filed.id);
      expect(complaint).toMatchObject({ rating, ratingComment: 'Lubang belum rata' });
      const events = await eventsOf(filed.id);
      if (!reopened) {
        // Done at hour 3 stays done, closed when it was closed.
        expect(complaint).toMatchObject({ status: 'done', closedAt: at(3) });
        expect(events).toEqual(before);
        return;
      }
      expect(complaint).toMatchObject({ status: 'in_process', closedAt: null });
      expect(events).toHaveLength(5);
      expect(events.at(-1)).toMatchObject({
        actorType: 'system',
        actorId: null,
        fromStatus: 'done',
        toStatus: 'in_process',
        note: `Dibuka kembali: nilai ${rating} (Lubang belum rata)`,
        createdAt: at(40),
      });
    });

    it('notes a low rating without a comment', async () => {
      const filed = await fileAndMove('done');
      expect(await rate(filed.trackingNumber, 2, null)).toEqual({ reopened: true });
      expect((await eventsOf(filed.id)).at(-1)?.note).toBe('Dibuka kembali: nilai 2');
      expect((await complaintOf(filed.id)).ratingComment).toBeNull();
    });

    it.each([
      { label: 'a complaint still in process', status: 'in_process' as const, rating: 4 },
      { label: 'a rejected complaint', status: 'rejected' as const, rating: 4 },
      { label: 'a rating of 0', status: 'done' as const, rating: 0 },
      { label: 'a rating of 6', status: 'done' as const, rating: 6 },
      { label: 'a rating of 3.5', status: 'done' as const, rating: 3.5 },
    ])('refuses $label as invalid_transition', async ({ status, rating }) => {
      const filed = await fileAndMove(status);
      const events = await eventsOf(filed.id);
      await expectCaseError(rate(filed.trackingNumber, rating, null), 'invalid_transition');
      expect(await complaintOf(filed.id)).toMatchObject({ status, rating: null });
      expect(await eventsOf(filed.id)).toEqual(events);
    });

    it('takes one rating only', async () => {
      const filed = await fileAndMove('done');
      expect(await rate(filed.trackingNumber, 5, 'Cepat')).toEqual({ reopened: false });
      await expectCaseError(rate(filed.trackingNumber, 1, 'Berubah pikiran'), 'invalid_transition');
      expect(await complaintOf(filed.id)).toMatchObject({ status: 'done', rating: 5, ratingComment: 'Cepat' });
    });

    it("refuses someone else's complaint as not_found", async () => {
      const filed = await fileAndMove('done');
      await expectCaseError(rate(filed.trackingNumber, 1, null, strangerId), 'not_found');
      expect(await complaintOf(filed.id)).toMatchObject({ status: 'done', rating: null });
    });
  });

  describe('findDuplicateComplaint', () => {
    it.each(fixture.duplicates)('$label: found $found', async ({ probe, firstClosed, found }) => {
      const owner = await newCitizen();
      const other = await newCitizen();
      const first = await file('jalan', T0, owner);
      if (firstClosed) {
        let hour = 1;
        for (const move of PATH_TO[firstClosed]) {
          await moveComplaint(db.prisma, {
            trackingNumber: first.trackingNumber,
            actor: OFFICER,
            now: at(hour++),
            ...move,
          });
        }
      }
      const duplicate = await findDuplicateComplaint(
        db.prisma,
        {
          citizenId: probe.citizen === 'same' ? owner : other,
          categoryCode: probe.category,
          description: probe.description,
        },
        at(probe.hoursLater),
      );
      expect(duplicate).toBe(found ? first.trackingNumber : null);
    });

    it('finds the open one of two near-identical complaints, the newest first', async () => {
      const owner = await newCitizen();
      const older = await file('jalan', T0, owner);
      const newer = await file('jalan', at(2), owner);
      expect(
        await findDuplicateComplaint(
          db.prisma,
          { citizenId: owner, categoryCode: 'jalan', description: DESCRIPTION },
          at(3),
        ),
      ).toBe(newer.trackingNumber);
      await moveComplaint(db.prisma, {
        trackingNumber: newer.trackingNumber,
        to: 'rejected',
        note: 'Ganda',
        actor: OFFICER,
        now: at(3),
      });
      expect(
        await findDuplicateComplaint(
          db.prisma,
          { citizenId: owner, categoryCode: 'jalan', description: DESCRIPTION },
          at(4),
        ),
      ).toBe(older.trackingNumber);
    });
  });

  describe('the event trail', () => {
    type Target = { id: bigint; complaintId: string };
    it.each([
      {
        label: 'complaintEvent.update',
        rewrite: (db: TestDatabase, e: Target) =>
          db.prisma.complaintEvent.update({ where: { id: e.id }, data: { note: 'diubah' } }),
      },
      {
        label: 'complaintEvent.updateMany',
        rewrite: (db: TestDatabase, e: Target) =>
          db.prisma.complaintEvent.updateMany({ where: { complaintId: e.complaintId }, data: { toStatus: 'done' } }),
      },
      {
        label: 'complaintEvent.delete',
        rewrite: (db: TestDatabase, e: Target) => db.prisma.complaintEvent.delete({ where: { id: e.id } }),
      },
      {
        label: 'complaintEvent.deleteMany',
        rewrite: (db: TestDatabase, e: Target) =>
          db.prisma.complaintEvent.deleteMany({ where: { complaintId: e.complaintId } }),
      },
      {
        label: 'a nested deleteMany through the complaint',
        rewrite: (db: TestDatabase, e: Target) =>
          db.prisma.complaint.update({ where: { id: e.complaintId }, data: { events: { deleteMany: {} } } }),
      },
    ])('refuses $label in the database', async ({ rewrite }) => {
      const filed = await fileAndMove('verified');
      const before = await eventsOf(filed.id);
      expect(before).toHaveLength(2);

      const error = await failureOf(rewrite(db, before.at(-1)!));
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).toMatch(/append-only/);

      expect(await eventsOf(filed.id)).toEqual(before);
    });
  });
});
