import type { CityData } from '../city/loadCityData.js';
import type { ChannelName } from '../conversation/types.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { notifyStatusChange } from '../notify/notifyStatusChange.js';
import type { SlaCase } from '../sla/planTimers.js';
import { CaseError, type Actor } from './CaseError.js';
import { caseRowOf, caseTitle, slaCasesOf, type CaseKind } from './caseKinds.js';
import type { ComplaintStatus } from './complaintLifecycle.js';
import { moveComplaintIn } from './complaintService.js';
import type { PermitStatus } from './permitLifecycle.js';
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
  kind: CaseKind;
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
  const moved = caseRowOf(parsed.kind, await MOVE[parsed.kind](tx, move));
  // Where a final status is also sent, when the case names it (a permit's email, an Open311
  // complaint's reporter); otherwise to the citizen's own.
  const outbox = await notifyStatusChange(
    tx,
    {
      kind: moved.kind,
      trackingNumber,
      title: caseTitle(city, moved.kind, moved.typeCode),
      status: moved.status,
      citizenId: moved.citizenId,
      note: change.note?.trim() || null,
      email: moved.email,
      phone: moved.reporterPhone,
    },
    hold,
  );
  const clocks = slaCasesOf(moved);
  return {
    kind: moved.kind,
    trackingNumber,
    status: moved.status,
    outbox,
    sla: clocks.find((k) => k.clock === 'resolve')!,
    clocks,
  };
}

/** Per kind: the move itself (the lifecycle's checks, the row and its event), returning the row after it. */
const MOVE: Record<CaseKind, (tx: Tx, change: StatusChange & { trackingNumber: string }) => Promise<object>> = {
  permit: (tx, change) => movePermitIn(tx, { ...change, to: change.to as PermitStatus }),
  complaint: (tx, change) => moveComplaintIn(tx, { ...change, to: change.to as ComplaintStatus }),
};
