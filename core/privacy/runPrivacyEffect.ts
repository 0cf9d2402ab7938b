import type { Effect, InboundEvent, StepEvent } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { InboxDeps } from '../inbox/inboxTypes.js';
import { correctCitizenData } from './correctCitizenData.js';
import { eraseCitizen, listOpenCases } from './eraseCitizen.js';
import { answerMyData } from './answerMyData.js';
import { recordPersonalData } from './trail.js';

/** What a privacy effect runs with: the inbox's dependencies inside one message's transaction. */
export interface PrivacyDeps extends InboxDeps {
  tx: Prisma.TransactionClient;
  citizenId: string;
  /** The message being answered: its channel and address are the identity asking. */
  event: InboundEvent;
  now: Date;
}

type PrivacyQuery = Extract<Effect, { type: 'query.myData' | 'query.openCases' | 'privacy.correct' | 'privacy.erase' }>;
type PrivacyWrite = Extract<Effect, { type: 'privacy.emailNotices' }>;

/** A privacy effect whose answer is the dialogue's next event. */
export async function runPrivacyEffect(deps: PrivacyDeps, effect: PrivacyQuery): Promise<StepEvent> {
  switch (effect.type) {
    case 'query.myData':
      return answerMyData(deps, effect.about);
    case 'query.openCases':
      return { type: 'privacy.openCases', trackingNumbers: await listOpenCases(deps.tx, deps.citizenId) };
    case 'privacy.correct':
      return correctCitizenData(deps, effect.field, effect.value);
    case 'privacy.erase':
      return eraseCitizen(deps, effect.openCases);
  }
}

/** A privacy write that needs no answer, done with the message's other writes. */
export async function writePrivacyEffect(deps: PrivacyDeps, effect: PrivacyWrite): Promise<void> {
  const { tx, citizenId, now } = deps;
  const actor = { type: 'citizen' as const, id: citizenId };
  switch (effect.type) {
    case 'privacy.emailNotices':
      await tx.citizen.update({ where: { id: citizenId }, data: { emailNoticesOff: !effect.on } });
      await recordPersonalData(tx, [{ at: now, actor, action: 'consent', via: 'chat', citizenId, fields: ['email'] }]);
      return;
  }
}
