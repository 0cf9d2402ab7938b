import { unlink } from 'node:fs/promises';
import { CASE_KIND } from '../cases/caseKinds.js';
import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import { changeCaseStatusIn } from '../cases/changeCaseStatus.js';
import { PERMIT_STATUSES, type PermitStatus } from '../cases/permitLifecycle.js';
import type { StepEvent } from '../conversation/types.js';
import { Prisma } from '../generated/prisma/client.js';
import type { PrivacyDeps } from './runPrivacyEffect.js';
import { recordPersonalData, type PersonalDataEventInput } from './trail.js';

type Tx = Prisma.TransactionClient;

/** A permit is open until done or rejected; needs_revision waits for the applicant. */
const PERMIT_UNFINISHED: readonly PermitStatus[] = PERMIT_STATUSES.filter((s) => s !== 'done' && s !== 'rejected');

/** The note on a case withdrawn by an erasure, in the city's language of record. */
export const WITHDRAWN_NOTE = 'Dicabut oleh pemohon (penghapusan data)';

/**
 * The tracking numbers of a resident's open cases: permits not done or rejected (needs_revision
 * included: it waits for the applicant) and complaints not done, rejected or not_authority.
 */
export async function listOpenCases(tx: Tx, citizenId: string): Promise<string[]> {
  const [permits, complaints] = await Promise.all([
    tx.permitApplication.findMany({
      where: { citizenId, status: { in: [...PERMIT_UNFINISHED] } },
      select: { trackingNumber: true },
      orderBy: { submittedAt: 'asc' },
    }),
    tx.complaint.findMany({
      where: { citizenId, status: { in: [...COMPLAINT_OPEN_STATUSES] } },
      select: { trackingNumber: true },
      orderBy: { createdAt: 'asc' },
    }),
  ]);
  return [...permits, ...complaints].map((c) => c.trackingNumber);
}

/**
 * HAPUS DATA SAYA, confirmed (UU PDP art. 8 and 43): in the message's transaction, the open cases
 * are withdrawn ('close': moved to `rejected`, the one final status every open permit and
 * complaint may reach, with a note saying why) or left running ('keep'), and then the resident's
 * contacts, identities, conversation, copy links, message bodies and photos are removed. The
 * cases stay as public records (tracking number, type, department, status, dates, events: the
 * events are append-only) with their personal fields emptied. The Citizen row stays, empty, to
 * hold them; smsOptOut is kept so a STOP is still honoured.
 */
export async function eraseCitizen(deps: PrivacyDeps, openCases: 'close' | 'keep'): Promise<StepEvent> {
  const { tx, citizenId, now } = deps;
  const open = await listOpenCases(tx, citizenId);
  if (openCases === 'close') await withdrawCases(deps, open);
  // Written after the withdrawals, so their notices are suppressed with the rest.
  await eraseContacts(tx, citizenId, now);
  const cases = await pseudonymiseCases(tx, citizenId, deps.city.privacy.coordinateDecimals, now);
  const files = await removePhotos(tx, cases.complaintIds);
  await recordPersonalData(tx, trailOf(citizenId, now, cases.tracked));
  // The files go last, once every row naming them is gone. Done in the transaction (the inbox has
  // no after-commit hook): should it roll back, the rows name missing files, which the case page
  // shows as a photo no longer kept; the opposite order would leave personal photos on disk.
  const removed = await deleteFiles(files);
  const closedCases = openCases === 'close' ? open : [];
  const keptCases = openCases === 'keep' ? open : [];
  deps.logger.info(
    { citizenId, closed: closedCases.length, kept: keptCases.length, cases: cases.tracked.length, files: removed },
    'citizen data erased',
  );
  return { type: 'privacy.erased', closedCases, keptCases };
}

async function withdrawCases(deps: PrivacyDeps, trackingNumbers: string[]): Promise<void> {
  for (const trackingNumber of trackingNumbers) {
    await changeCaseStatusIn(deps.tx, deps.city, {
      trackingNumber,
      to: 'rejected',
      actor: { type: 'citizen', id: deps.citizenId },
      note: WITHDRAWN_NOTE,
      now: deps.now,
    });
  }
}

/** Everything that reaches or names the person, apart from the cases. */
async function eraseContacts(tx: Tx, citizenId: string, now: Date): Promise<void> {
  await tx.citizen.update({
    where: { id: citizenId },
    data: { fullName: null, email: null, phone: null, erasedAt: now },
  });
  await tx.channelIdentity.deleteMany({ where: { citizenId } });
  await tx.conversation.deleteMany({ where: { citizenId } });
  await tx.dataCopyLink.deleteMany({ where: { citizenId } });
  // Nothing more goes to them; what went keeps its row (delivery reports find it), not its text.
  await tx.outboxMessage.updateMany({
    where: { citizenId, status: 'pending' },
    data: { status: 'suppressed', replies: [], address: '' },
  });
  await tx.outboxMessage.updateMany({
    where: { citizenId, status: { not: 'pending' } },
    data: { replies: [], address: '' },
  });
  // Message ids stay (a provider's repeat is still dropped), detached; a message still held past
  // the flood limit loses its text and is not answered.
  await tx.processedInbound.updateMany({
    where: { citizenId },
    data: { citizenId: null, heldEvent: Prisma.DbNull, heldAt: null },
  });
}

interface Pseudonymised {
  complaintIds: string[];
  tracked: Array<{ kind: 'permit' | 'complaint'; trackingNumber: string }>;
}

/** Every case of the resident, detached from them (see pseudonymisePermits / pseudonymiseComplaints). */
async function pseudonymiseCases(tx: Tx, citizenId: string, decimals: number, now: Date): Promise<Pseudonymised> {
  const permits = await tx.$queryRaw<Array<{ trackingNumber: string }>>`
    UPDATE "PermitApplication" SET ${PERMIT_PSEUDONYM}, "pseudonymisedAt" = ${now}, "updatedAt" = ${now}
    WHERE "citizenId" = ${citizenId}::uuid RETURNING "trackingNumber"`;
  const complaints = await tx.$queryRaw<Array<{ id: string; trackingNumber: string }>>`
    UPDATE "Complaint" SET "reporterName" = NULL, "reporterEmail" = NULL, "reporterPhone" = NULL,
      ${roundedCoordinates(decimals)}, "pseudonymisedAt" = ${now}, "updatedAt" = ${now}
    WHERE "citizenId" = ${citizenId}::uuid RETURNING "id", "trackingNumber"`;
  return {
    complaintIds: complaints.map((c) => c.id),
    tracked: [
      ...permits.map((p) => ({ kind: 'permit' as const, trackingNumber: p.trackingNumber })),
      ...complaints.map((c) => ({ kind: 'complaint' as const, trackingNumber: c.trackingNumber })),
    ],
  };
}

/** A pseudonymised permit's personal columns: name, NIK, phone, email and the form's fields. */
export const PERMIT_PSEUDONYM = Prisma.sql`"applicantName" = '', "nik" = '', "phone" = '', "email" = NULL, "fields" = '{}'::jsonb`;

/** SET clause rounding a complaint's coordinates to `decimals` places (idempotent). */
export function roundedCoordinates(decimals: number): Prisma.Sql {
  return Prisma.sql`"latitude" = ROUND("latitude"::numeric, ${decimals}::int)::float8,
    "longitude" = ROUND("longitude"::numeric, ${decimals}::int)::float8`;
}

/**
 * Removes the complaints' photos: their attachments, and the media rows no other attachment
 * names. Returns the paths of the files to delete.
 */
export async function removePhotos(tx: Tx, complaintIds: string[]): Promise<string[]> {
  if (complaintIds.length === 0) return [];
  const attachments = await tx.complaintAttachment.findMany({
    where: { complaintId: { in: complaintIds } },
    select: { sha256: true },
  });
  if (attachments.length === 0) return [];
  await tx.complaintAttachment.deleteMany({ where: { complaintId: { in: complaintIds } } });
  const hashes = [...new Set(attachments.map((a) => a.sha256))];
  const orphans = await tx.mediaFile.findMany({
    where: { sha256: { in: hashes }, attachments: { none: {} } },
    select: { sha256: true, path: true },
  });
  await tx.mediaFile.deleteMany({ where: { sha256: { in: orphans.map((o) => o.sha256) } } });
  return orphans.map((o) => o.path);
}

/** Deletes files, a missing one counting as deleted. Returns how many were on disk. */
export async function deleteFiles(paths: string[]): Promise<number> {
  let removed = 0;
  for (const file of paths) {
    try {
      await unlink(file);
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}

function trailOf(citizenId: string, now: Date, cases: Pseudonymised['tracked']): PersonalDataEventInput[] {
  const actor = { type: 'citizen' as const, id: citizenId };
  const base = { at: now, actor, action: 'erase' as const, via: 'chat' as const, citizenId };
  return [
    { ...base, fields: ['name', 'phone', 'email', 'identities', 'messages'] },
    ...cases.map((c) => ({
      ...base,
      caseKind: c.kind,
      trackingNumber: c.trackingNumber,
      fields: [...CASE_KIND[c.kind].personalFields],
    })),
  ];
}
