import type { ChannelName, Line, Reply } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import { writeNotification, type Notification } from './writeNotification.js';

/** The lines of a status notice that a newer one about the same case replaces. */
const SUPERSEDED = new Set(['notify.status', 'notify.rateHow']);

function isStatusNotice(replies: unknown): replies is Reply[] {
  const first = (replies as Reply[] | null)?.[0]?.lines?.[0];
  return first?.key === 'notify.status';
}

/** One notice of both: what was waiting, less what the newer one says again of its case, then the newer. */
function gathered(waiting: Reply[], newer: Reply[], trackingNumber: string): Reply[] {
  const kept = waiting
    .flatMap((r) => r.lines)
    .filter((l: Line) => !(SUPERSEDED.has(l.key) && l.params?.trackingNumber === trackingNumber));
  return [{ lines: [...kept, ...newer.flatMap((r) => r.lines)] }];
}

/**
 * Writes a citizen's status notice in the caller's transaction. With a hold, the notice waits
 * `holdMs` before it goes, and a notice already waiting for the same address takes this one in
 * instead: an officer's three steps within the hold reach the citizen as one message, the last
 * status of each case with every note. Returns the row to hand to the outbox, or null when the
 * notice joined one already on its way.
 */
export async function writeStatusNotice(
  tx: Prisma.TransactionClient,
  notice: Notification,
  trackingNumber: string,
  now: Date,
  holdMs: number,
): Promise<{ id: string; channel: ChannelName } | null> {
  if (holdMs <= 0) return writeNotification(tx, notice);
  const waiting = await tx.outboxMessage.findFirst({
    where: {
      citizenId: notice.citizenId ?? null,
      channel: notice.channel,
      address: notice.address,
      kind: 'notification',
      status: 'pending',
      attempts: 0,
      claimedAt: null,
      nextAttemptAt: { gt: now },
    },
    orderBy: { seq: 'desc' },
    select: { id: true, replies: true },
  });
  if (waiting && isStatusNotice(waiting.replies)) {
    // Only while it is still waiting: a relay that claimed it meanwhile sends it as it was.
    const joined = await tx.outboxMessage.updateMany({
      where: { id: waiting.id, status: 'pending', claimedAt: null, attempts: 0 },
      data: { replies: gathered(waiting.replies, notice.replies, trackingNumber) as unknown as Prisma.InputJsonValue },
    });
    if (joined.count === 1) return null;
  }
  return writeNotification(tx, { ...notice, notBefore: new Date(now.getTime() + holdMs) });
}
