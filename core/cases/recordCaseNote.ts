import type { Prisma } from '../generated/prisma/client.js';
import type { Actor } from './CaseError.js';

/**
 * Appends a note to a case's event trail without moving it: an event whose status stays what it
 * is (a claim, an officer's reply, a citizen's answer).
 */
export async function recordCaseNote(
  tx: Prisma.TransactionClient,
  c: { kind: 'permit' | 'complaint'; id: string; status: string },
  actor: Actor,
  note: string,
  now: Date,
): Promise<void> {
  const data = { actorType: actor.type, actorId: actor.id ?? null, note, createdAt: now };
  if (c.kind === 'permit') {
    const status = c.status as Prisma.PermitEventCreateInput['toStatus'];
    await tx.permitEvent.create({ data: { ...data, applicationId: c.id, fromStatus: status, toStatus: status } });
  } else {
    const status = c.status as Prisma.ComplaintEventCreateInput['toStatus'];
    await tx.complaintEvent.create({ data: { ...data, complaintId: c.id, fromStatus: status, toStatus: status } });
  }
}
