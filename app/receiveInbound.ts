import type { Core } from '../core/boot.js';
import type { InboundEvent } from '../core/conversation/types.js';
import { handleInbound } from '../core/inbox/handleInbound.js';
import type { Runtime } from './createRuntime.js';

/**
 * Runs one inbound event, from any channel, through the core and hands its replies to the
 * outbox. A duplicate (the same provider id again) has no effect.
 */
export async function receiveInbound(core: Core, runtime: Runtime, event: InboundEvent): Promise<void> {
  const outcome = await handleInbound(core.inbox, event);
  if (outcome.status === 'duplicate') {
    core.logger.info({ channel: event.channel, externalId: event.externalId }, 'duplicate inbound ignored');
    return;
  }
  await runtime.dispatcher.dispatch([
    ...outcome.outboxIds.map((id) => ({ id, channel: event.channel })),
    ...(outcome.notifications ?? []),
  ]);
  await runtime.afterCaseChanges(outcome.opened ?? [], outcome.changes ?? []);
}
