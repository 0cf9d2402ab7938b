import { randomInt } from 'node:crypto';
import type { CityData } from '../city/loadCityData.js';
import { computeDeadline } from '../domain/deadline.js';
import { makeTrackingNumber } from '../domain/trackingNumber.js';
import { prismaSession, statement } from '../db/statements.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { CaseError, type Actor } from './CaseError.js';
import { CASE_KIND_LIST, type CaseKind } from './caseKinds.js';
import { canMovePermit, PERMIT_NOTE_REQUIRED, type PermitStatus } from './permitLifecycle.js';
import { workingCalendarOf } from './workingCalendarOf.js';

type Tx = Prisma.TransactionClient;

/** What a citizen filled in for an application. */
export interface PermitSubmission {
  citizenId: string;
  typeCode: string;
  applicantName: string;
  nik: string;
  phone: string;
  email: string | null;
  fields: Record<string, string>;
}

/** A uniform source of [0, 1) from the operating system's generator. */
export const secureRandom = (): number => randomInt(0, 2 ** 47) / 2 ** 47;

/** Whether a case of any kind has the digits $1 (tracking numbers' digits are unique across kinds). */
const NUMBER_TAKEN = statement(
  'cases_number_taken',
  `SELECT (${CASE_KIND_LIST.map(
    ({ letter, sql }) => `EXISTS (SELECT 1 FROM ${sql.table} WHERE "trackingNumber" = '${letter}' || $1)`,
  ).join(' OR ')}) AS taken`,
);

/** A tracking number not yet used by any case (digits are unique across permits and complaints). */
export async function newTrackingNumber(tx: Tx, kind: CaseKind, random = secureRandom): Promise<string> {
  for (;;) {
    const candidate = makeTrackingNumber(kind, random);
    const [found] = await prismaSession(tx).query<{ taken: boolean }>(NUMBER_TAKEN, [candidate.slice(1)]);
    if (!found?.taken) return candidate;
  }
}

/**
 * Files an application: a tracking number, the deadline from the catalogue's SLA on the city's
 * calendar, and the first event of its trail. Runs inside the caller's transaction.
 */
export async function submitPermit(
  tx: Tx,
  city: CityData,
  submission: PermitSubmission,
  now: Date,
  random = secureRandom,
): Promise<{ id: string; trackingNumber: string; deadlineAt: Date }> {
  const type = city.permitTypes.find((t) => t.code === submission.typeCode);
  if (!type) throw new CaseError('not_found', `unknown permit type ${submission.typeCode}`);
  if (!type.online) throw new CaseError('not_online', `${type.code} is filed in person only`);
  const sla = type.slaHours !== undefined ? { hours: type.slaHours } : { workingDays: type.slaWorkingDays ?? 1 };
  const deadlineAt = computeDeadline(now, sla, workingCalendarOf(city));
  const trackingNumber = await newTrackingNumber(tx, 'permit', random);
  const created = await tx.permitApplication.create({
    data: {
      trackingNumber,
      citizenId: submission.citizenId,
      permitTypeCode: type.code,
      departmentCode: type.department,
      applicantName: submission.applicantName,
      nik: submission.nik,
      phone: submission.phone,
      email: submission.email,
      fields: submission.fields,
      submittedAt: now,
      deadlineAt,
      events: {
        create: { actorType: 'citizen', actorId: submission.citizenId, toStatus: 'submitted', createdAt: now },
      },
    },
    select: { id: true },
  });
  await tx.citizen.update({
    where: { id: submission.citizenId },
    data: { fullName: submission.applicantName, ...(submission.email ? { email: submission.email } : {}) },
  });
  return { id: created.id, trackingNumber, deadlineAt };
}

export interface PermitMove {
  trackingNumber: string;
  to: PermitStatus;
  actor: Actor;
  note?: string | undefined;
  now: Date;
}

/**
 * Moves an application to a new status, or refuses with a CaseError. The change and its event
 * are written together. needs_revision stops the SLA clock; when the applicant resubmits, the
 * deadline moves on by the time it waited.
 */
export async function movePermit(prisma: PrismaClient, move: PermitMove) {
  return prisma.$transaction((tx) => movePermitIn(tx, move));
}

/** The same, inside the caller's transaction. */
export async function movePermitIn(tx: Tx, move: PermitMove) {
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "PermitApplication" WHERE "trackingNumber" = ${move.trackingNumber} FOR UPDATE`;
  if (!locked) throw new CaseError('not_found', `no permit application ${move.trackingNumber}`);
  const app = await tx.permitApplication.findUniqueOrThrow({ where: { id: locked.id } });
  if (!canMovePermit(app.status, move.to)) {
    throw new CaseError('invalid_transition', `a permit cannot go from ${app.status} to ${move.to}`);
  }
  const note = move.note?.trim() || null;
  if (!note && PERMIT_NOTE_REQUIRED.includes(move.to)) {
    throw new CaseError('note_required', `moving to ${move.to} needs a note`);
  }
  const data: Prisma.PermitApplicationUpdateInput = { status: move.to };
  if (move.to === 'needs_revision') data.slaPausedAt = move.now;
  if (app.status === 'needs_revision' && move.to === 'submitted' && app.slaPausedAt) {
    const waited = move.now.getTime() - app.slaPausedAt.getTime();
    data.slaPausedAt = null;
    data.deadlineAt = new Date(app.deadlineAt.getTime() + waited);
    data.deadlineVersion = { increment: 1 };
  }
  if (move.to === 'done' || move.to === 'rejected') data.closedAt = move.now;
  const updated = await tx.permitApplication.update({ where: { id: app.id }, data });
  await tx.permitEvent.create({
    data: {
      applicationId: app.id,
      actorType: move.actor.type,
      actorId: move.actor.id ?? null,
      fromStatus: app.status,
      toStatus: move.to,
      note,
      createdAt: move.now,
    },
  });
  return updated;
}
