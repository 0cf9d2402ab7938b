import type { CityData } from '../city/loadCityData.js';
import type { ChannelName } from '../conversation/types.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { notifyStatusChange } from '../notify/notifyStatusChange.js';
import { complaintSlaCases } from '../sla/caseClocks.js';
import type { SlaCase } from '../sla/planTimers.js';
import { CaseError, type Actor } from './CaseError.js';
import { COMPLAINT_OPEN_STATUSES, type ComplaintStatus } from './complaintLifecycle.js';
import { moveComplaintIn } from './complaintService.js';
import { PERMIT_OPEN_STATUSES, type PermitStatus } from './permitLifecycle.js';
import { movePermitIn } from './permitService.js';

type Tx = Prisma.TransactionClient;

export interface StatusChange {
  trackingNumber: string;
  to: PermitStatus | ComplaintStatus;
  actor: Actor;
  note?: string | undefined;
  /** For a complaint forwarded to another department. */
  departmentCode?: string | undefined;
  now: Date;
}

export interface StatusChanged {
  kind: 'permit' | 'complaint';
  trackingNumber: string;
  status: string;
  /** The case's SLA clock after the change (its resolution clock), and whether it still runs. */
  sla: SlaCase & { running: boolean };
  /** Every clock of the case after the change: a permit's one, a complaint's three (caseClocks). */
  clocks: Array<SlaCase & { running: boolean }>;
  /** Notifications written with the change, to hand to the outbox. */
  outbox: Array<{ id: string; channel: ChannelName }>;
}

/**
 * Moves a permit or complaint to a new status and tells the citizen, in one transaction: the
 * one entry point for officers, the SLA worker and the API. The caller dispatches `outbox` and
 * reschedules the SLA timers from `sla`.
 */
export async function changeCaseStatus(
  prisma: PrismaClient,
  city: CityData,
  change: StatusChange,
): Promise<StatusChanged> {
  return prisma.$transaction((tx) => changeCaseStatusIn(tx, city, change));
}

/** changeCaseStatus in the caller's transaction: several moves of one case made as one (an officer's /selesai). */
export async function changeCaseStatusIn(tx: Tx, city: CityData, change: StatusChange): Promise<StatusChanged> {
  const parsed = parseTrackingNumber(change.trackingNumber);
  if (!parsed.ok || parsed.kind === null)
    throw new CaseError('not_found', `not a tracking number: ${change.trackingNumber}`);
  const trackingNumber = parsed.trackingNumber;
  // Status notices wait a little for the officer's next step, to go as one message.
  const hold = { now: change.now, ms: city.notifications.coalesceSeconds * 1000 };
  const move = { ...change, trackingNumber };
  const moved = parsed.kind === 'permit' ? await movePermit(tx, city, move) : await moveComplaint(tx, city, move);
  const outbox = await notifyStatusChange(
    tx,
    {
      kind: moved.sla.kind,
      trackingNumber,
      title: moved.title,
      status: moved.status,
      citizenId: moved.citizenId,
      note: change.note?.trim() || null,
      email: moved.email,
      phone: moved.phone,
    },
    hold,
  );
  return {
    kind: moved.sla.kind,
    trackingNumber,
    status: moved.status,
    outbox,
    sla: moved.sla,
    clocks: moved.clocks ?? [moved.sla],
  };
}

/** A case after its move, as the notice and the SLA clock need it. */
interface Moved {
  status: string;
  title: { id: string; en: string };
  citizenId: string;
  /**
   * Where a final status is also sent, when the case names it: a permit's email, an Open311
   * complaint's reporter. Otherwise the citizen's own.
   */
  email: string | null;
  phone: string | null;
  sla: StatusChanged['sla'];
  /** Every clock, when the case has more than `sla`. */
  clocks?: StatusChanged['clocks'];
}

async function movePermit(tx: Tx, city: CityData, change: StatusChange & { trackingNumber: string }): Promise<Moved> {
  const app = await movePermitIn(tx, { ...change, to: change.to as PermitStatus });
  const type = city.permitTypes.find((t) => t.code === app.permitTypeCode);
  return {
    status: app.status,
    title: type?.name ?? { id: app.permitTypeCode, en: app.permitTypeCode },
    citizenId: app.citizenId,
    email: app.email,
    phone: null,
    sla: {
      kind: 'permit',
      id: app.id,
      startedAt: app.submittedAt,
      deadlineAt: app.deadlineAt,
      deadlineVersion: app.deadlineVersion,
      running: PERMIT_OPEN_STATUSES.includes(app.status),
    },
  };
}

async function moveComplaint(
  tx: Tx,
  city: CityData,
  change: StatusChange & { trackingNumber: string },
): Promise<Moved> {
  const complaint = await moveComplaintIn(tx, { ...change, to: change.to as ComplaintStatus });
  const category = city.complaintCategories.find((c) => c.code === complaint.categoryCode);
  const open = COMPLAINT_OPEN_STATUSES.includes(complaint.status);
  const clocks = complaintSlaCases(complaint, open);
  return {
    status: complaint.status,
    title: category?.name ?? { id: complaint.categoryCode, en: complaint.categoryCode },
    citizenId: complaint.citizenId,
    email: complaint.reporterEmail,
    phone: complaint.reporterPhone,
    sla: {
      kind: 'complaint',
      id: complaint.id,
      startedAt: complaint.createdAt,
      deadlineAt: complaint.deadlineAt,
      deadlineVersion: complaint.deadlineVersion,
      running: open,
    },
    clocks,
  };
}
