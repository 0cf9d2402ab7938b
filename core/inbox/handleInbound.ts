import { restoreState } from '../conversation/initialState.js';
import type { InboundEvent } from '../conversation/types.js';
import { statement } from '../db/statements.js';
import { parseOfficerCommand } from '../officers/parseOfficerCommand.js';
import type { Officer } from '../generated/prisma/client.js';
import { apologise, apologiseForHeld, apologiseToOfficer } from './apology.js';
import { findSender } from './citizenIdentity.js';
import { answerCitizen, handleCitizenMessage, lockConversation } from './dialogue.js';
import { sendersWithHeldInbound, takeHeldInbound } from './floodGate.js';
import { inTransaction } from './inboundTransaction.js';
import { capabilitiesOf, type InboundOutcome, type InboxDeps } from './inboxTypes.js';
import { keepMedia } from './keepMedia.js';
import { handleOfficerInbound } from './officerInbound.js';
import { storableEvent } from './storableEvent.js';

export type { InboundOutcome, InboxDeps } from './inboxTypes.js';

// Only for a message with photos, before they are fetched: whether it is new and a citizen's.
const SEEN_OR_OFFICER = statement(
  'inbox_seen_or_officer',
  `SELECT EXISTS (
       SELECT 1 FROM "ProcessedInbound" WHERE "channel" = $1::"Channel" AND "externalId" = $2) AS seen,
     EXISTS (SELECT 1 FROM "Officer" o
       WHERE o."channel" = $1::"Channel" AND o."address" = $3 AND o."active") AS "fromOfficer"`,
);

/**
 * Where an inbound event goes, in one transaction whose first statement finds the sender
 * (citizenIdentity.ts):
 * - an active officer writing from their linked chat account: their command (officerInbound.ts);
 * - anyone else: their dialogue (dialogue.ts), with an officer-shaped command refused or an
 *   invitation taken (strangerCommand.ts), its photos kept first (keepMedia.ts).
 * Anyone but an officer typing an officer command is a resident like any other, answered in
 * their dialogue under its flood limit. A seen id is a duplicate and does nothing; a failure is
 * answered with an apology (apology.ts), to the officer in their words.
 */
export async function handleInbound(deps: InboxDeps, received: InboundEvent): Promise<InboundOutcome> {
  // A channel this process was not booted with fails before anything is stored: the provider retries.
  capabilitiesOf(deps, received.channel);
  // Made storable before anything reads it: a NUL or half an emoji must not fail the save.
  const event = storableEvent(received, deps.maxChars);
  const command = parseOfficerCommand(event.text ?? '', event.choice);
  const kept = command ? { ...event, media: [] } : await withMediaKept(deps, event);
  if (!kept) return { status: 'duplicate' };

  const from: { officer: Officer | null } = { officer: null };
  return inTransaction(
    deps,
    async (tx, sql) => {
      const now = deps.clock();
      from.officer = null;
      const sender = await findSender(deps, tx, sql, kept, now);
      if ('citizen' in sender) {
        const { citizen, lockedState } = sender;
        const state =
          lockedState === undefined
            ? await lockConversation(sql, citizen, now)
            : restoreState(lockedState, citizen.language);
        return handleCitizenMessage(deps, tx, sql, citizen, state, kept, command, now);
      }
      from.officer = await tx.officer.findUniqueOrThrow({ where: { id: sender.officerId } });
      return handleOfficerInbound(deps, tx, sql, from.officer, event, now);
    },
    (error) => (from.officer ? apologiseToOfficer(deps, from.officer, event, error) : apologise(deps, event, error)),
  );
}

/**
 * The message with its photos fetched and kept, before the transaction: network time never
 * holds a lock, and a stored file is harmless if the message later fails. Null for a duplicate;
 * an officer's photos are not kept (their commands read text).
 */
async function withMediaKept(deps: InboxDeps, event: InboundEvent): Promise<InboundEvent | null> {
  if (!event.media?.length) return { ...event, ...(await keepMedia(deps, event)) };
  const [first] = await deps.db.statements.query<{ seen: boolean; fromOfficer: boolean }>(SEEN_OR_OFFICER, [
    event.channel,
    event.externalId,
    event.address,
  ]);
  if (first?.seen) return null;
  if (first?.fromOfficer) return event;
  return { ...event, ...(await keepMedia(deps, event)) };
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
