import type { CaseSummary, ChannelName, Line } from '../conversation/types.js';
import { CASE_KIND } from '../cases/caseKinds.js';
import type { Prisma } from '../generated/prisma/client.js';
import { preferredIdentity } from './preferredIdentity.js';
import { writeNotification } from './writeNotification.js';
import { writeStatusNotice } from './writeStatusNotice.js';

/** Final statuses: the citizen also hears of them by SMS and email. */
const FINAL = new Set(['done', 'rejected', 'not_authority']);

/**
 * Tells a citizen that their case changed status, on the channel they last wrote from (another
 * of theirs when that one opted out, see preferredIdentity); a final
 * status also by SMS (to their number) and by email (when one is known), as the origin city did:
 * "when the permit is done the applicant is told by email and SMS". A case that names its own
 * contact (`email`, `phone`: an Open311 request's reporter) is told there. Runs in the caller's
 * transaction, so the notification exists exactly when the change does. Chat and SMS notices
 * wait `hold.ms` for further changes to go with them (see writeStatusNotice). A citizen who
 * turned email notices off (Citizen.emailNoticesOff) gets none.
 */
export async function notifyStatusChange(
  tx: Prisma.TransactionClient,
  change: CaseSummary & { citizenId: string; note: string | null; email: string | null; phone?: string | null },
  hold: { now: Date; ms: number },
): Promise<Array<{ id: string; channel: ChannelName }>> {
  const citizen = await tx.citizen.findUnique({
    where: { id: change.citizenId },
    include: { identities: { orderBy: { lastSeenAt: 'desc' } } },
  });
  if (!citizen) return [];
  const lang = citizen.language;
  const params = {
    trackingNumber: change.trackingNumber,
    title: change.title[lang],
    kind: change.kind,
    status: change.status,
  };
  const lines: Line[] = [{ key: 'notify.status', params }];
  if (change.note) lines.push({ key: 'notify.note', params: { ...params, note: change.note } });
  const replies = [{ lines }];
  // A finished complaint asks for the rating, in words any chat or SMS can answer from any step
  // (an email cannot be answered, so it does not ask).
  const rateHow: Line[] =
    CASE_KIND[change.kind].rated && change.status === 'done'
      ? [{ key: 'notify.rateHow', params: { trackingNumber: change.trackingNumber } }]
      : [];
  const chatReplies = [{ lines: [...lines, ...rateHow] }];
  const written: Array<{ id: string; channel: ChannelName }> = [];
  const notice = async (channel: ChannelName, address: string) => {
    const row = await writeStatusNotice(
      tx,
      { channel, address, language: lang, replies: chatReplies, citizenId: citizen.id },
      change.trackingNumber,
      hold.now,
      hold.ms,
    );
    if (row) written.push(row);
  };
  const latest = preferredIdentity(citizen.identities, citizen.smsOptOut);
  if (latest) await notice(latest.channel, latest.address);
  if (!FINAL.has(change.status)) return written;
  if (change.phone) {
    // A number typed with the case (an Open311 reporter's, by whoever filed it) is told only when
    // it is no citizen's own: a known citizen hears nothing of a case they may never have filed.
    const owner = await tx.citizen.findUnique({ where: { phone: change.phone }, select: { id: true } });
    if (!owner) await notice('sms', change.phone);
  } else if (citizen.phone && latest?.channel !== 'sms') await notice('sms', citizen.phone);
  // BERHENTI EMAIL withdraws consent to email notices (UU PDP): none is written from that moment.
  const email = citizen.emailNoticesOff ? null : (change.email ?? citizen.email);
  if (email) {
    written.push(
      await writeNotification(tx, {
        channel: 'email',
        address: email,
        language: lang,
        citizenId: citizen.id,
        // The first reply of an email row is its subject.
        replies: [{ lines: [{ key: 'notify.emailSubject', params }] }, ...replies],
      }),
    );
  }
  return written;
}
