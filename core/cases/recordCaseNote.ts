import { prismaSession, statement } from '../db/statements.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Actor } from './CaseError.js';
import { CASE_KIND, perKind, type CaseKind } from './caseKinds.js';

/** Per kind: an event whose status stays what it is. */
const NOTE = perKind(({ kind, sql }) =>
  statement(
    `cases_note_${kind}`,
    `INSERT INTO ${sql.eventTable} (${sql.eventCaseColumn}, "actorType", "actorId", "fromStatus", "toStatus", note, "createdAt")
     VALUES ($1::uuid, $2::"ActorType", $3, $4::${sql.statusType}, $4::${sql.statusType}, $5, $6)`,
  ),
);

/**
 * Appends a note to a case's event trail without moving it: an event whose status stays what it
 * is (a claim, an officer's reply, a citizen's answer).
 */
export async function recordCaseNote(
  tx: Prisma.TransactionClient,
  c: { kind: CaseKind; id: string; status: string },
  actor: Actor,
  note: string,
  now: Date,
): Promise<void> {
  if (!CASE_KIND[c.kind].statuses.includes(c.status)) throw new Error(`not a ${c.kind} status: ${c.status}`);
  await prismaSession(tx).query(NOTE[c.kind], [c.id, actor.type, actor.id ?? null, c.status, note, now]);
}
