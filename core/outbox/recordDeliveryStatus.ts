import type { PrismaClient } from '../generated/prisma/client.js';

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
  // Of several parts, a failure is what an operator must see.
  if (row.deliveryStatus?.startsWith('failed') && status !== 'failed') return true;
  await prisma.outboxMessage.update({
    where: { id: row.id },
    data: { deliveryStatus: detail ? `${status}: ${detail}`.slice(0, 200) : status },
  });
  return true;
}
