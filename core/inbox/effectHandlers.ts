import { addComplaintInfo, rateComplaint } from '../cases/complaintService.js';
import { findCaseView, listCitizenCases } from '../cases/findCases.js';
import type { Effect, StepEvent } from '../conversation/types.js';
import type { SqlSession } from '../db/statements.js';
import { findTaxObject } from '../pbb/findTaxObject.js';
import { runPrivacyEffect, writePrivacyEffect, type PrivacyDeps } from '../privacy/runPrivacyEffect.js';
import type { SlaCase } from '../sla/planTimers.js';
import { forwardToOfficer, refusedAs, submitComplaintDraft, submitDraft } from './caseEffects.js';
import type { DialogueCitizen, Notifications } from './inboxTypes.js';

/**
 * What an effect runs with: the inbox's dependencies inside one message's transaction, the
 * citizen it is for, and what the message leaves for after the commit.
 */
export interface EffectRun extends PrivacyDeps {
  /** The transaction's connection, for the message path's prepared statements. */
  sql: SqlSession;
  citizen: DialogueCitizen;
  /** Rows to other people or channels, dispatched after the commit. */
  notifications: Notifications;
  /** Cases opened, whose SLA timers start after the commit. */
  opened: SlaCase[];
}

type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;

/** Effects the dialogue waits on: each answers with its next event, in the order the step asked. */
type Answering =
  | 'query.pbb'
  | 'query.case'
  | 'query.myCases'
  | 'query.myData'
  | 'query.openCases'
  | 'privacy.correct'
  | 'privacy.erase'
  | 'permit.submit'
  | 'complaint.submit'
  | 'complaint.addInfo'
  | 'complaint.rate'
  | 'case.citizenReply';
/** Writes that answer nothing: made after the last step, before the state is saved. */
type Writing = Exclude<Effect['type'], Answering>;
export type WritingEffect = EffectOf<Writing>;

const ANSWERING: { [T in Answering]: (run: EffectRun, effect: EffectOf<T>) => Promise<StepEvent> } = {
  'query.pbb': async (run, e) => ({ type: 'pbb.result', nop: e.nop, taxObject: await findTaxObject(run.sql, e.nop) }),
  'query.case': async (run, e) => ({
    type: 'case.result',
    trackingNumber: e.trackingNumber,
    view: await findCaseView(run.sql, run.city, e.trackingNumber, run.citizen.id),
  }),
  'query.myCases': async (run) => ({ type: 'cases.mine', cases: await listCitizenCases(run.tx, run.citizen.id) }),
  'query.myData': runPrivacyEffect,
  'query.openCases': runPrivacyEffect,
  'privacy.correct': runPrivacyEffect,
  'privacy.erase': runPrivacyEffect,
  'permit.submit': (run, e) =>
    submitDraft(run, run.tx, run.citizen.id, e.draft, run.now, run.notifications, run.opened),
  'complaint.submit': (run, e) =>
    submitComplaintDraft(
      run,
      run.tx,
      run.citizen.id,
      e.draft,
      e.allowDuplicate,
      run.now,
      run.notifications,
      run.opened,
    ),
  'case.citizenReply': (run, e) => forwardToOfficer(run.tx, run, run.citizen.id, e, run.now, run.notifications),
  'complaint.addInfo': (run, e) =>
    refusedAs(e.trackingNumber, async () => {
      await addComplaintInfo(run.tx, { ...e, citizenId: run.citizen.id }, run.now);
      return { type: 'complaint.added', trackingNumber: e.trackingNumber };
    }),
  'complaint.rate': (run, e) =>
    refusedAs(e.trackingNumber, async () => {
      const { reopened } = await rateComplaint(run.tx, { ...e, citizenId: run.citizen.id }, run.now);
      return { type: 'complaint.rated', trackingNumber: e.trackingNumber, reopened };
    }),
};

const WRITING: { [T in Writing]: (run: EffectRun, effect: EffectOf<T>) => Promise<void> } = {
  // Written by the statement that saves the state with the replies it went with (saveStateAndReplies).
  'privacy.noticeShown': () => Promise.resolve(),
  'privacy.emailNotices': writePrivacyEffect,
  'citizen.setLanguage': async (run, e) => {
    await run.tx.citizen.update({ where: { id: run.citizen.id }, data: { language: e.lang } });
  },
  'citizen.setSmsOptOut': async (run, e) => {
    const { tx, citizen, now, event } = run;
    await tx.citizen.update({ where: { id: citizen.id }, data: { smsOptOut: e.optOut } });
    // The SMS identity shows it to officers, like an opt-out Twilio reports; MULAI lifts both.
    await tx.channelIdentity.updateMany({
      where: { citizenId: citizen.id, channel: 'sms' },
      data: e.optOut ? { optedOutAt: now, optOutReason: 'sms-stop' } : { optedOutAt: null, optOutReason: null },
    });
    run.logger.info({ channel: event.channel, address: event.address, optOut: e.optOut }, 'SMS opt-out changed');
  },
};

/** Whether the dialogue waits for this effect's answer (otherwise it is a write made after the steps). */
export function answers(effect: Effect): effect is EffectOf<Answering> {
  return effect.type in ANSWERING;
}

/** Runs an effect the dialogue waits on; its answer is the dialogue's next event. */
export function runAnswering(run: EffectRun, effect: EffectOf<Answering>): Promise<StepEvent> {
  const handler = ANSWERING[effect.type] as (run: EffectRun, effect: EffectOf<Answering>) => Promise<StepEvent>;
  return handler(run, effect);
}

/** Makes a write that answers nothing. */
export function runWriting(run: EffectRun, effect: EffectOf<Writing>): Promise<void> {
  const handler = WRITING[effect.type] as (run: EffectRun, effect: EffectOf<Writing>) => Promise<void>;
  return handler(run, effect);
}
