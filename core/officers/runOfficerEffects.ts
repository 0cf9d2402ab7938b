import { changeCaseStatusIn } from '../cases/changeCaseStatus.js';
import { recordFirstResponse } from '../cases/complaintService.js';
import type { CityData } from '../city/loadCityData.js';
import { recordCaseNote } from '../cases/recordCaseNote.js';
import type { ChannelName } from '../conversation/types.js';
import { openThread } from '../conversation/thread.js';
import type { Prisma } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { recordPersonalData } from '../privacy/trail.js';
import type { CaseClocksChanged } from '../sla/caseClocks.js';
import { assignCase } from './caseLookup.js';
import type { OfficerEffect } from './decideOfficerCommand.js';
import { notifyDepartment } from './notifyDepartment.js';

/** What carrying out a decision's effects left for after the commit. */
export interface EffectsDone {
  /** Rows written to others (citizens, officers), for the outbox to send. */
  outbox: Array<{ id: string; channel: ChannelName }>;
  /** Each case's clocks as the effects left them, for the SLA timers. */
  changes: CaseClocksChanged[];
}

/** The case changed holder since the officer was shown it: the command is to be decided again. */
export class HolderChanged extends Error {
  constructor(readonly trackingNumber: string) {
    super(`the holder of ${trackingNumber} changed meanwhile`);
  }
}

interface EffectRun {
  tx: Prisma.TransactionClient;
  city: CityData;
  now: Date;
  done: EffectsDone;
  /** The latest clocks per case: a case moved several times keeps the last. */
  clocks: Map<string, CaseClocksChanged>;
}

type Handlers = {
  [T in OfficerEffect['type']]: (run: EffectRun, e: Extract<OfficerEffect, { type: T }>) => Promise<void>;
};

const HANDLERS: Handlers = {
  'case.assign': async (run, e) => {
    if (!(await assignCase(run.tx, e.case, e.to))) throw new HolderChanged(e.case.trackingNumber);
  },
  'case.note': (run, e) => recordCaseNote(run.tx, e.case, { type: 'officer', id: e.officerId }, e.note, run.now),
  'case.move': async (run, e) => {
    const changed = await changeCaseStatusIn(run.tx, run.city, {
      trackingNumber: e.trackingNumber,
      to: e.to as never,
      actor: { type: 'officer', id: e.officerId },
      note: e.note,
      departmentCode: e.departmentCode,
      now: run.now,
    });
    run.done.outbox.push(...changed.outbox);
    run.clocks.set(changed.sla.id, changed);
  },
  'case.firstResponse': async (run, e) => {
    const clocks = await recordFirstResponse(run.tx, e.caseId, run.now);
    const resolve = clocks?.find((k) => k.clock === 'resolve');
    if (clocks && resolve) run.clocks.set(e.caseId, { sla: resolve, clocks });
  },
  'notify.officer': async (run, e) => {
    run.done.outbox.push(await writeNotification(run.tx, { ...e.to, officerId: e.officerId, replies: e.replies }));
  },
  'notify.citizen': async (run, e) => {
    run.done.outbox.push(
      await writeNotification(run.tx, { ...e.to, citizenId: e.citizenId, conversation: true, replies: e.replies }),
    );
  },
  'notify.department': async (run, e) => {
    const told = await notifyDepartment(
      run.tx,
      e.departmentCode,
      { trackingNumber: e.trackingNumber, title: e.title },
      e.key,
    );
    run.done.outbox.push(...told);
  },
  'thread.open': (run, e) => openThread(run.tx, e.citizenId, e.thread),
  'trail.record': (run, e) => recordPersonalData(run.tx, e.events),
};

/**
 * Carries out an officer's decision, effect by effect in its order, in the caller's transaction.
 * A refused move (CaseError) or a holder changed meanwhile (HolderChanged) is thrown: the caller
 * rolls back to before the first effect and answers or decides again.
 */
export async function runOfficerEffects(
  tx: Prisma.TransactionClient,
  city: CityData,
  now: Date,
  effects: readonly OfficerEffect[],
): Promise<EffectsDone> {
  const run: EffectRun = { tx, city, now, done: { outbox: [], changes: [] }, clocks: new Map() };
  for (const effect of effects) {
    const handler = HANDLERS[effect.type] as (run: EffectRun, e: OfficerEffect) => Promise<void>;
    await handler(run, effect);
  }
  run.done.changes.push(...run.clocks.values());
  return run.done;
}
