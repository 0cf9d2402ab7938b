import type { PrismaClient } from '../generated/prisma/client.js';
import { storableText } from '../domain/storableText.js';

const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, failed: 3 };

/**
 * Records a provider's delivery report on the outbox row that holds its message id. A row
 * whose message was not delivered stays visible to operators with the provider's reason.
 * Returns false when no row knows that id.
 */
export async function recordDeliveryStatus(
  prisma: PrismaClient,
  providerMessageId: string,
  status: 'queued' | 'sent' | 'delivered' | 'failed',
  detail?: string,
): Promise<boolean> {
  // A reply split into several texts keeps all their ids, comma separated.
  const row = await prisma.outboxMessage.findFirst({
    where: {
      OR: [
        { providerMessageId },
        { providerMessageId: { startsWith: `${providerMessageId},` } },
        { providerMessageId: { endsWith: `,${providerMessageId}` } },
        { providerMessageId: { contains: `,${providerMessageId},` } },
      ],
    },
    select: { id: true, deliveryStatus: true },
  });
  if (!row) return false;
  // Reports may arrive out of order: a status never moves back (queued < sent < delivered), and
  // of several parts a failure is what an operator must see.
  const current = row.deliveryStatus?.split(':')[0] ?? '';
  if (current === 'failed' && status !== 'failed') return true;
  if ((RANK[current] ?? -1) >= (RANK[status] ?? 0)) return true;
  await prisma.outboxMessage.update({
    where: { id: row.id },
    data: { deliveryStatus: detail ? storableText(`${status}: ${detail}`, 200) : status },
  });
  return true;
}
