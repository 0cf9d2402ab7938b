import type { InboundEvent } from '../conversation/types.js';
import type { Officer } from '../generated/prisma/client.js';
import { handleOfficerMessageIn } from '../officers/handleOfficerMessage.js';
import { apologiseToOfficer } from './apology.js';
import { inTransaction, recordInbound } from './inboundTransaction.js';
import type { InboundOutcome, InboxDeps } from './inboxTypes.js';
import { writeOutbox } from './outboxWriter.js';

/**
 * A message from an officer's linked chat account, in one transaction: recorded (a duplicate
 * stops here), the command decided and carried out, and the answer written. A command that
 * fails changes nothing and is answered with what to send again.
 */
export async function handleFromOfficer(
  deps: InboxDeps,
  officer: Officer,
  event: InboundEvent,
): Promise<InboundOutcome> {
  return inTransaction(
    deps,
    async (tx, sql): Promise<InboundOutcome> => {
      await recordInbound(sql, event, deps.clock());
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
    },
    (error) => apologiseToOfficer(deps, officer, event, error),
  );
}
