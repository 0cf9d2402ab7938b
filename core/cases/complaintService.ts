import type { CityData } from '../city/loadCityData.js';
import { computeDeadline } from '../domain/deadline.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { complaintSlaCases, endsVerification, isFirstResponse, laporDeadlines } from '../sla/caseClocks.js';
import type { SlaCase } from '../sla/planTimers.js';
import { CaseError, type Actor } from './CaseError.js';
import {
  canMoveComplaint,
  COMPLAINT_NOTE_REQUIRED,
  COMPLAINT_OPEN_STATUSES,
  type ComplaintStatus,
} from './complaintLifecycle.js';
import { newTrackingNumber, secureRandom } from './permitService.js';
import { workingCalendarOf } from './workingCalendarOf.js';

type Tx = Prisma.TransactionClient;

/** What a citizen filed. Photos are SHA-256 hashes of files already stored (core/media). */
export interface ComplaintSubmission {
  citizenId: string;
  categoryCode: string;
  description: string;
  locationText: string | null;
  latitude: number | null;
  longitude: number | null;
  anonymous: boolean;
  photos: string[];
  /**
   * The contact details given with an Open311 request, kept on the complaint: its final notices
   * go to them, and no citizen's own contact data is touched.
   */
  reporter?: { name: string | null; email: string | null; phone: string | null } | undefined;
}

/** Ratings at or below this reopen a finished complaint for the supervisor's review. */
export const LOW_RATING = 2;
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;
const DUPLICATE_SIMILARITY = 0.6;

function trigrams(text: string): Set<string> {
  const t = ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) grams.add(t.slice(i, i + 3));
  return grams;
}

/** Similarity of two texts as the Jaccard index of their character trigrams, 0 to 1. */
export function textSimilarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / (x.size + y.size - shared);
}

/**
 * An open complaint of the same citizen and category, filed within a day, whose text is nearly
 * the same: the citizen is asked whether it is the same complaint before a second case is made.
 */
export async function findDuplicateComplaint(
  tx: Tx,
  submission: Pick<ComplaintSubmission, 'citizenId' | 'categoryCode' | 'description'>,
  now: Date,
): Promise<string | null> {
  const recent = await tx.complaint.findMany({
    where: {
      citizenId: submission.citizenId,
      categoryCode: submission.categoryCode,
      createdAt: { gt: new Date(now.getTime() - DUPLICATE_WINDOW_MS) },
      status: { in: [...COMPLAINT_OPEN_STATUSES] },
    },
    orderBy: { createdAt: 'desc' },
    select: { trackingNumber: true, description: true },
  });
  const match = recent.find((c) => textSimilarity(c.description, submission.description) >= DUPLICATE_SIMILARITY);
  return match?.trackingNumber ?? null;
}

async function attach(tx: Tx, complaintId: string, photos: readonly string[], now: Date): Promise<void> {
  for (const sha256 of new Set(photos)) {
    await tx.complaintAttachment.upsert({
      where: { complaintId_sha256: { complaintId, sha256 } },
      create: { complaintId, sha256, createdAt: now },
      update: {},
    });
  }
}

/**
 * Files a complaint: routed to the department of its category, with a tracking number, its
 * first event and SP4N-LAPOR's three deadlines on the city's calendar: verification and first
 * response (city data), resolution (the category's working days). Returns its clocks to start.
 */
export async function submitComplaint(
  tx: Tx,
  city: CityData,
  submission: ComplaintSubmission,
  now: Date,
  random = secureRandom,
): Promise<{ id: string; trackingNumber: string; deadlineAt: Date; departmentCode: string; clocks: SlaCase[] }> {
  const category = city.complaintCategories.find((c) => c.code === submission.categoryCode);
  if (!category) throw new CaseError('not_found', `unknown complaint category ${submission.categoryCode}`);
  const deadlineAt = computeDeadline(now, { workingDays: category.slaWorkingDays }, workingCalendarOf(city));
  const lapor = laporDeadlines(city, now);
  const trackingNumber = await newTrackingNumber(tx, 'complaint', random);
  const created = await tx.complaint.create({
    data: {
      trackingNumber,
      citizenId: submission.citizenId,
      categoryCode: category.code,
      departmentCode: category.department,
      description: submission.description,
      locationText: submission.locationText,
      latitude: submission.latitude,
      longitude: submission.longitude,
      anonymous: submission.anonymous,
      reporterName: submission.reporter?.name ?? null,
      reporterEmail: submission.reporter?.email ?? null,
      reporterPhone: submission.reporter?.phone ?? null,
      deadlineAt,
      ...lapor,
      createdAt: now,
      events: {
        create: {
          actorType: 'citizen',
          actorId: submission.citizenId,
          toStatus: 'waiting',
          departmentCode: category.department,
          createdAt: now,
        },
      },
    },
  });
  await attach(tx, created.id, submission.photos, now);
  return {
    id: created.id,
    trackingNumber,
    deadlineAt,
    departmentCode: category.department,
    clocks: complaintSlaCases(created, true).map(({ running: _running, ...clock }) => clock),
  };
}

/**
 * Adds a citizen's information or photos to their own open complaint, as an event that keeps
 * the status. Refused for someone else's complaint or a closed one.
 */
export async function addComplaintInfo(
  tx: Tx,
  input: { trackingNumber: string; citizenId: string; text: string | null; photos: string[] },
  now: Date,
): Promise<void> {
  const complaint = await tx.complaint.findUnique({ where: { trackingNumber: input.trackingNumber } });
  if (!complaint || complaint.citizenId !== input.citizenId) {
    throw new CaseError('not_found', `no complaint ${input.trackingNumber} of this citizen`);
  }
  if (!COMPLAINT_OPEN_STATUSES.includes(complaint.status)) {
    throw new CaseError('invalid_transition', `complaint ${input.trackingNumber} is closed`);
  }
  const note = [input.text?.trim(), input.photos.length > 0 ? `+${input.photos.length} foto` : null]
    .filter(Boolean)
    .join(' ');
  await tx.complaintEvent.create({
    data: {
      complaintId: complaint.id,
      actorType: 'citizen',
      actorId: input.citizenId,
      fromStatus: complaint.status,
      toStatus: complaint.status,
      note: note || null,
      createdAt: now,
    },
  });
  await attach(tx, complaint.id, input.photos, now);
}

export interface ComplaintMove {
  trackingNumber: string;
  to: ComplaintStatus;
  actor: Actor;
  note?: string | undefined;
  /** For a disposition or forward: the department that takes it over. */
  departmentCode?: string | undefined;
  now: Date;
}

/** Moves a complaint to a new status (or forwards it), or refuses with a CaseError. */
export async function moveComplaint(prisma: PrismaClient, move: ComplaintMove) {
  return prisma.$transaction((tx) => moveComplaintIn(tx, move));
}

/** The same, inside the caller's transaction. */
export async function moveComplaintIn(tx: Tx, move: ComplaintMove) {
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "Complaint" WHERE "trackingNumber" = ${move.trackingNumber} FOR UPDATE`;
  if (!locked) throw new CaseError('not_found', `no complaint ${move.trackingNumber}`);
  const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: locked.id } });
  if (!canMoveComplaint(complaint.status, move.to)) {
    throw new CaseError('invalid_transition', `a complaint cannot go from ${complaint.status} to ${move.to}`);
  }
  const note = move.note?.trim() || null;
  if (!note && COMPLAINT_NOTE_REQUIRED.includes(move.to)) {
    throw new CaseError('note_required', `moving to ${move.to} needs a note`);
  }
  const departmentCode = move.to === 'dispositioned' ? (move.departmentCode ?? complaint.departmentCode) : undefined;
  if (departmentCode && !(await tx.department.findFirst({ where: { code: departmentCode, retiredAt: null } }))) {
    throw new CaseError('not_found', `no department ${departmentCode}`);
  }
  const data: Prisma.ComplaintUpdateInput = { status: move.to };
  if (departmentCode && departmentCode !== complaint.departmentCode) {
    data.department = { connect: { code: departmentCode } };
    data.assignedOfficer = { disconnect: true };
  }
  if (move.to === 'done' || move.to === 'rejected' || move.to === 'not_authority') data.closedAt = move.now;
  if (complaint.status === 'done') data.closedAt = null;
  // LAPOR's first two clocks stop once, at the move that does their step (see caseClocks).
  if (!complaint.verifiedAt && endsVerification(complaint.status, move.to)) data.verifiedAt = move.now;
  if (!complaint.firstRespondedAt && isFirstResponse({ actor: move.actor, to: move.to, note })) {
    data.firstRespondedAt = move.now;
  }
  const updated = await tx.complaint.update({ where: { id: complaint.id }, data });
  await tx.complaintEvent.create({
    data: {
      complaintId: complaint.id,
      actorType: move.actor.type,
      actorId: move.actor.id ?? null,
      fromStatus: complaint.status,
      toStatus: move.to,
      departmentCode: departmentCode ?? null,
      note,
      createdAt: move.now,
    },
  });
  return updated;
}

/**
 * Records an officer's reply to the reporter as the complaint's first response (LAPOR's
 * tanggapan awal), unless it had one. Returns the complaint's clocks when this stopped one.
 */
export async function recordFirstResponse(
  tx: Tx,
  complaintId: string,
  now: Date,
): Promise<Array<SlaCase & { running: boolean }> | null> {
  const { count } = await tx.complaint.updateMany({
    where: { id: complaintId, firstRespondedAt: null },
    data: { firstRespondedAt: now },
  });
  if (count === 0) return null;
  const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: complaintId } });
  return complaintSlaCases(complaint, COMPLAINT_OPEN_STATUSES.includes(complaint.status));
}

/**
 * The citizen's rating of a finished complaint, 1 to 5 with an optional comment. A low rating
 * reopens it for the supervisor's review. Returns whether it was reopened.
 */
export async function rateComplaint(
  tx: Tx,
  input: { trackingNumber: string; citizenId: string; rating: number; comment: string | null },
  now: Date,
): Promise<{ reopened: boolean }> {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    throw new CaseError('invalid_transition', 'a rating is 1 to 5');
  }
  const complaint = await tx.complaint.findUnique({ where: { trackingNumber: input.trackingNumber } });
  if (!complaint || complaint.citizenId !== input.citizenId) {
    throw new CaseError('not_found', `no complaint ${input.trackingNumber} of this citizen`);
  }
  if (complaint.status !== 'done' || complaint.rating !== null) {
    throw new CaseError('invalid_transition', `complaint ${input.trackingNumber} cannot be rated now`);
  }
  await tx.complaint.update({
    where: { id: complaint.id },
    data: { rating: input.rating, ratingComment: input.comment?.trim() || null },
  });
  if (input.rating > LOW_RATING) return { reopened: false };
  await moveComplaintIn(tx, {
    trackingNumber: input.trackingNumber,
    to: 'in_process',
    actor: { type: 'system' },
    note: `Dibuka kembali: nilai ${input.rating}${input.comment ? ` (${input.comment.trim()})` : ''}`,
    now,
  });
  return { reopened: true };
}
