import type { CityData } from '../city/loadCityData.js';
import { CaseError } from '../cases/CaseError.js';
import type { Lang, Reply } from '../conversation/types.js';
import type { Officer, Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import { decideOfficerCommand, decideRefusal, type OfficerDecision } from './decideOfficerCommand.js';
import { readOfficerFacts } from './readOfficerFacts.js';
import { HolderChanged, runOfficerEffects, type EffectsDone } from './runOfficerEffects.js';

export interface OfficerDeps {
  prisma: PrismaClient;
  city: CityData;
  logger: Logger;
  clock: () => Date;
  /** The language of an officer who has not chosen one; unset, the city's. */
  defaultLanguage?: Lang;
}

export interface OfficerOutcome extends EffectsDone {
  /** The answer to the officer. */
  replies: Reply[];
}

/** A claim whose holder changes under it is decided again, at most this many times. */
const DECISIONS_PER_MESSAGE = 3;

/**
 * An officer's message from their linked chat account, in one transaction of its own: a failure
 * changes nothing.
 */
export async function handleOfficerMessage(
  deps: OfficerDeps,
  officer: Officer,
  text: string,
  choice?: string,
): Promise<OfficerOutcome> {
  return deps.prisma.$transaction((tx) => handleOfficerMessageIn(deps, tx, officer, text, choice), {
    timeout: 15_000,
    maxWait: 10_000,
  });
}

/**
 * An officer's message in the caller's transaction (the inbound executor's, with the message's
 * own records): what the command needs is read, the command decided as a pure function
 * (decideOfficerCommand: the answer and its effects), and the effects carried out by the
 * executor. A move the lifecycle refuses (CaseError) is undone back to before the first effect
 * and answered; a case whose holder changed meanwhile is read and decided again.
 */
export async function handleOfficerMessageIn(
  deps: OfficerDeps,
  tx: Prisma.TransactionClient,
  officer: Officer,
  text: string,
  choice?: string,
): Promise<OfficerOutcome> {
  const now = deps.clock();
  const ctx = { city: deps.city, defaultLanguage: deps.defaultLanguage, now };
  let input = { text, choice };
  for (let attempt = 1; ; attempt++) {
    const facts = await readOfficerFacts(tx, ctx, officer, input.text, input.choice);
    const decision = decideOfficerCommand(ctx, officer, facts);
    if (decision.warn)
      deps.logger.warn(
        { officerId: officer.id, trackingNumber: facts.case?.trackingNumber, command: facts.command?.name },
        `officer refused: ${decision.warn}`,
      );
    if (decision.effects.length === 0)
      return forChannel(officer, { replies: decision.replies, outbox: [], changes: [] });
    await tx.$executeRawUnsafe('SAVEPOINT officer_action');
    try {
      const done = await runOfficerEffects(tx, deps.city, now, decision.effects);
      return forChannel(officer, { replies: decision.replies, ...done });
    } catch (error) {
      if (!(error instanceof CaseError || error instanceof HolderChanged)) throw error;
      await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT officer_action');
      if (error instanceof CaseError) {
        const refused: OfficerDecision = decideRefusal(facts.case!, error.code);
        return forChannel(officer, { replies: refused.replies, outbox: [], changes: [] });
      }
      if (attempt >= DECISIONS_PER_MESSAGE) throw error;
      // Shown another holder than the one there now: asked again about the one there now.
      input = { text: `/ambil ${error.trackingNumber}`, choice: undefined };
    }
  }
}

/**
 * An officer's "1" by SMS is no command (officers have no dialogue to number choices in): there
 * the lines carry the commands to type, and numbered buttons would only mislead.
 */
function forChannel(officer: Officer, outcome: OfficerOutcome): OfficerOutcome {
  if (officer.channel !== 'sms') return outcome;
  return { ...outcome, replies: outcome.replies.map((r) => ({ lines: r.lines })) };
}
