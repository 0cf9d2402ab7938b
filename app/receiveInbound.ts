import type { Core } from '../core/boot.js';
import type { InboundEvent } from '../core/conversation/types.js';
import { handleInbound, releaseHeldInbound, type InboundOutcome } from '../core/inbox/handleInbound.js';
import type { Runtime } from './createRuntime.js';

/**
 * Runs one inbound event, from any channel, through the core and hands its replies to the
 * outbox. A duplicate (the same provider id again) has no effect. Once the transaction has
 * committed, the message is safe: waking up its delivery and its SLA timers is bounded (about a
 * second) and never fails the request, so a webhook is answered whatever Redis does; what could
 * not be woken now is picked up from the database by the worker's recovery sweep.
 */
export async function receiveInbound(core: Core, runtime: Runtime, event: InboundEvent): Promise<void> {
  const outcome = await handleInbound(core.inbox, event);
  if (outcome.status === 'duplicate') {
    core.logger.info({ channel: event.channel, externalId: event.externalId }, 'duplicate inbound ignored');
    return;
  }
  await afterInbound(runtime, event, outcome);
}

/**
 * Answers the messages held past their senders' flood limit as far as each sender's minute now
 * allows; the worker runs it every few seconds. Returns how many were answered.
 */
export async function releaseHeldMessages(core: Core, runtime: Runtime): Promise<number> {
  const released = await releaseHeldInbound(core.inbox);
  for (const { event, outcome } of released) await afterInbound(runtime, event, outcome);
  if (released.length > 0) core.logger.info({ released: released.length }, 'held inbound messages answered');
  return released.length;
}

async function afterInbound(runtime: Runtime, event: InboundEvent, outcome: InboundOutcome): Promise<void> {
  if (outcome.status === 'duplicate') return;
  await runtime.dispatcher.dispatch([
    ...outcome.outboxIds.map((id) => ({ id, channel: event.channel })),
    ...(outcome.notifications ?? []),
  ]);
  await runtime.afterCaseChanges(outcome.opened ?? [], outcome.changes ?? []);
}
