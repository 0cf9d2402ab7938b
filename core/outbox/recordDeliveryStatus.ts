import type { ChannelName } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { storableText } from '../domain/storableText.js';

/** What a provider says became of one message it was given, in the words every provider maps to. */
export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'failed';

export interface DeliveryStatusOptions {
  /** The channel whose provider reports; every channel when left out. */
  channel?: ChannelName;
  /**
   * The provider says the message cannot reach the person in the form it went, and the channel
   * has another form that may (WhatsApp: free text outside the 24-hour window, and an approved
   * template is configured): the row gets its one fallback row, in the same transaction.
   */
  fallback?: boolean;
}

/** What a report came to. */
export interface RecordedDelivery {
  /** The outbox row that holds the provider's id; null when no row knows it. */
  outboxId: string | null;
  /** The fallback row written for this report, to be handed to the outbox; absent otherwise. */
  fallback?: { id: string; channel: ChannelName };
}

const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, failed: 3 };

/**
 * Records a provider's delivery report on the outbox row that holds its message id, found by
 * the primary key of ProviderMessage (one index lookup). A row whose message was not delivered
 * stays visible to operators with the provider's reason. Reports may arrive out of order and
 * more than once: a status never moves back, and a row gets at most one fallback row (the
 * unique `fallbackOfId`), whatever repeats the report or races it.
 * @example await recordDeliveryStatus(prisma, 'wamid.HBgM…', 'failed', '131047 Re-engagement message', { channel: 'whatsapp', fallback: true })
 */
export async function recordDeliveryStatus(
  prisma: PrismaClient,
  providerMessageId: string,
  status: DeliveryState,
  detail?: string,
  options: DeliveryStatusOptions = {},
): Promise<RecordedDelivery> {
  const known = await prisma.providerMessage.findFirst({
    where: { providerMessageId, ...(options.channel ? { channel: options.channel } : {}) },
    select: {
      outboxMessage: { select: { id: true, channel: true, deliveryStatus: true, fallbackOfId: true } },
    },
  });
  const row = known?.outboxMessage;
  if (!row) return { outboxId: null };
  // Of several parts a failure is what an operator must see; otherwise queued < sent < delivered.
  const current = row.deliveryStatus?.split(':')[0] ?? '';
  const moves = !(current === 'failed' && status !== 'failed') && (RANK[current] ?? -1) < (RANK[status] ?? 0);
  // A fallback row is itself the second form: it never gets one of its own.
  const fallback = options.fallback === true && status === 'failed' && row.fallbackOfId === null;
  if (!moves && !fallback) return { outboxId: row.id };

  const [, inserted] = await prisma.$transaction([
    moves
      ? prisma.outboxMessage.update({
          where: { id: row.id },
          data: { deliveryStatus: detail ? storableText(`${status}: ${detail}`, 200) : status },
          select: { id: true },
        })
      : prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id }, select: { id: true } }),
    // The same message again, as the row's second attempt; a repeat of the report conflicts
    // on the unique fallbackOfId and writes nothing.
    prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "OutboxMessage" (id, "citizenId", "officerId", channel, address, language, replies, kind, urgent, "fallbackOfId")
      SELECT gen_random_uuid(), o."citizenId", o."officerId", o.channel, o.address, o.language, o.replies, o.kind, o.urgent, o.id
      FROM "OutboxMessage" o
      WHERE ${fallback} AND o.id = ${row.id}::uuid
      ON CONFLICT ("fallbackOfId") DO NOTHING
      RETURNING id::text AS id`,
  ]);
  const created = inserted[0];
  return created ? { outboxId: row.id, fallback: { id: created.id, channel: row.channel } } : { outboxId: row.id };
}
