import type { InboundEvent } from '../conversation/types.js';
import { statement } from '../db/statements.js';
import { parseOfficerCommand } from '../officers/parseOfficerCommand.js';
import { apologise, apologiseForHeld } from './apology.js';
import { answerCitizen, handleCitizenMessage, lockConversation } from './dialogue.js';
import { sendersWithHeldInbound, takeHeldInbound } from './floodGate.js';
import { inTransaction } from './inboundTransaction.js';
import { capabilitiesOf, type InboundOutcome, type InboxDeps } from './inboxTypes.js';
import { keepMedia } from './keepMedia.js';
import { handleFromOfficer } from './officerInbound.js';
import { storableEvent } from './storableEvent.js';

export type { InboundOutcome, InboxDeps } from './inboxTypes.js';

const SEEN_OR_OFFICER = statement(
  'inbox_seen_or_officer',
  `SELECT EXISTS (
       SELECT 1 FROM "ProcessedInbound" WHERE "channel" = $1::"Channel" AND "externalId" = $2) AS seen,
     (SELECT o.id::text FROM "Officer" o
       WHERE o."channel" = $1::"Channel" AND o."address" = $3 AND o."active") AS "officerId"`,
);

/**
 * Where an inbound event goes. Each path runs in one transaction of its own executor:
 * - from an officer's linked chat account: the officer's command (officerInbound.ts);
 * - from anyone else: their dialogue (dialogue.ts), with an officer-shaped command refused or an
 *   invitation taken (strangerCommand.ts), its photos kept first (keepMedia.ts).
 * A seen id is a duplicate and does nothing; a failure is answered with an apology (apology.ts).
 */
export async function handleInbound(deps: InboxDeps, received: InboundEvent): Promise<InboundOutcome> {
  const { prisma } = deps;
  // A channel this process was not booted with fails before anything is stored: the provider retries.
  capabilitiesOf(deps, received.channel);
  // Made storable before anything reads it: a NUL or half an emoji must not fail the save.
  const event = storableEvent(received, deps.maxChars);
  // Whether the id was seen, and whether an active officer writes from this account, in one
  // statement. Officers write from their linked chat account. Anyone else typing an officer
  // command is a resident like any other: answered in their dialogue's transaction, under its
  // flood limit. (The transaction's own insert is what guards against a duplicate racing this.)
  const [first] = await deps.db.statements.query<{ seen: boolean; officerId: string | null }>(SEEN_OR_OFFICER, [
    event.channel,
    event.externalId,
    event.address,
  ]);
  if (first?.seen) return { status: 'duplicate' };
  if (first?.officerId) {
    const officer = await prisma.officer.findUnique({ where: { id: first.officerId } });
    if (officer?.active) return handleFromOfficer(deps, officer, event);
  }
  const command = parseOfficerCommand(event.text ?? '', event.choice);

  // Photos are fetched and kept before the transaction: network time never holds a lock, and a
  // stored file is harmless if the message later fails.
  const kept = command ? { ...event, media: [] } : { ...event, ...(await keepMedia(deps, event)) };
  return inTransaction(
    deps,
    (tx, sql) => handleCitizenMessage(deps, tx, sql, kept, command),
    (error) => apologise(deps, event, error),
  );
}

/**
 * Answers messages held past their senders' flood limit, oldest first, as far as each sender's
 * minute allows. The worker calls it every few seconds; several processes may call it at once
 * (each message is taken once, under its sender's conversation lock).
 */
export async function releaseHeldInbound(
  deps: InboxDeps,
  maxSenders = 100,
): Promise<Array<{ event: InboundEvent; outcome: InboundOutcome }>> {
  const released: Array<{ event: InboundEvent; outcome: InboundOutcome }> = [];
  for (const citizenId of await sendersWithHeldInbound(deps.prisma, maxSenders)) {
    for (let n = 0; n < deps.floodPerMinute; n++) {
      // Set inside the transaction; a failed attempt leaves the message held, and it is answered
      // with the apology instead.
      const taken: { event: InboundEvent | null } = { event: null };
      const outcome = await inTransaction(
        deps,
        async (tx, sql) => {
          const now = deps.clock();
          const citizen = await tx.citizen.findUniqueOrThrow({ where: { id: citizenId } });
          const state = await lockConversation(sql, citizen, now);
          taken.event = await takeHeldInbound(tx, sql, citizenId, now, deps.floodPerMinute);
          if (!taken.event) return null;
          const command = parseOfficerCommand(taken.event.text ?? '', taken.event.choice);
          return answerCitizen(deps, tx, sql, citizen, state, taken.event, command, now);
        },
        (error) => (taken.event ? apologiseForHeld(deps, citizenId, taken.event, error) : Promise.reject(error)),
      );
      if (!outcome || !taken.event) break;
      released.push({ event: taken.event, outcome });
    }
  }
  return released;
}
