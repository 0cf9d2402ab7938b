import type { InboundEvent } from '../conversation/types.js';
import type { SqlSession } from '../db/statements.js';
import type { Officer, Prisma } from '../generated/prisma/client.js';
import { handleOfficerMessageIn } from '../officers/handleOfficerMessage.js';
import { recordInbound } from './inboundTransaction.js';
import type { InboundOutcome, InboxDeps } from './inboxTypes.js';
import { writeOutbox } from './outboxWriter.js';

/**
 * A message from an officer's linked chat account, in the message's transaction: recorded (a
 * duplicate stops here), the command decided and carried out, and the answer written. A command
 * that fails rolls the transaction back whole; the caller answers with what to send again
 * (apologiseToOfficer).
 */
export async function handleOfficerInbound(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  officer: Officer,
  event: InboundEvent,
  now: Date,
): Promise<InboundOutcome> {
  await recordInbound(sql, event, now);
  const outcome = await handleOfficerMessageIn(deps, tx, officer, event.text ?? '', event.choice);
  // Staff texts follow the officer's own language.
  const language = officer.language ?? deps.defaultLanguage;
  const outboxIds = await writeOutbox(sql, null, event, language, outcome.replies, 'reply');
  return {
    status: 'handled',
    citizenId: '',
    outboxIds,
    replies: outcome.replies,
    notifications: outcome.outbox,
    changes: outcome.changes,
  };
}
