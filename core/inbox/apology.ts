import type { InboundEvent, Lang, Reply } from '../conversation/types.js';
import { storableText } from '../domain/storableText.js';
import { Prisma } from '../generated/prisma/client.js';
import type { InboundOutcome, InboxDeps } from './inboxTypes.js';
import { writeOutbox } from './outboxWriter.js';

/**
 * Something failed while handling a message (the transaction is rolled back): the citizen still
 * gets an answer, and the message is marked handled so a provider's retry does not loop on it.
 */
export async function apologise(deps: InboxDeps, event: InboundEvent, error: unknown): Promise<InboundOutcome> {
  deps.logger.error({ err: error, channel: event.channel, address: event.address }, 'inbound message failed');
  const replies: Reply[] = [{ lines: [{ key: 'error.generic' }] }];
  return deps.db.transaction(async (tx, sql) => {
    const identity = await tx.channelIdentity.findUnique({
      where: { channel_address: { channel: event.channel, address: event.address } },
      include: { citizen: true },
    });
    await tx.processedInbound.create({
      data: { channel: event.channel, externalId: event.externalId, citizenId: identity?.citizenId ?? null },
    });
    const language = identity?.citizen.language ?? deps.defaultLanguage;
    const outboxIds = await writeOutbox(sql, identity?.citizenId ?? null, event, language, replies, 'reply');
    return { status: 'handled', citizenId: identity?.citizenId ?? '', outboxIds, replies };
  });
}

/** A held message that failed when released: taken off hold and answered with the apology. */
export async function apologiseForHeld(
  deps: InboxDeps,
  citizenId: string,
  event: InboundEvent,
  error: unknown,
): Promise<InboundOutcome> {
  deps.logger.error({ err: error, channel: event.channel, address: event.address }, 'held inbound message failed');
  const replies: Reply[] = [{ lines: [{ key: 'error.generic' }] }];
  return deps.db.transaction(async (tx, sql) => {
    const citizen = await tx.citizen.findUniqueOrThrow({ where: { id: citizenId } });
    await tx.processedInbound.update({
      where: { channel_externalId: { channel: event.channel, externalId: event.externalId } },
      data: { heldAt: null, heldEvent: Prisma.DbNull, receivedAt: deps.clock() },
    });
    const outboxIds = await writeOutbox(sql, citizenId, event, citizen.language, replies, 'reply');
    return { status: 'handled', citizenId, outboxIds, replies };
  });
}

/**
 * An officer's command that failed (rolled back: nothing of it happened): the officer is told,
 * in their language, with the command as they sent it to send again, and the message is marked
 * handled so a provider's retry does not loop on it.
 */
export async function apologiseToOfficer(
  deps: InboxDeps,
  officer: { id: string; language: Lang | null },
  event: InboundEvent,
  error: unknown,
): Promise<InboundOutcome> {
  deps.logger.error({ err: error, channel: event.channel, officerId: officer.id }, 'officer command failed');
  const command = storableText(event.text ?? event.choice ?? '', 300);
  const replies: Reply[] = [{ lines: [{ key: 'officer.failed', params: { command } }] }];
  return deps.db.transaction(async (tx, sql) => {
    await tx.processedInbound.create({
      data: { channel: event.channel, externalId: event.externalId, receivedAt: deps.clock() },
    });
    const outboxIds = await writeOutbox(sql, null, event, officer.language ?? deps.defaultLanguage, replies, 'reply');
    return { status: 'handled', citizenId: '', outboxIds, replies };
  });
}
