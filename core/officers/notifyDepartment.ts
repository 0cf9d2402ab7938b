import type { ChannelName, Line } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';

const line = (key: string, params?: Line['params']): Line => (params ? { key, params } : { key });

/**
 * Tells a department's officers of a new or forwarded case, with buttons to take or view it.
 * Runs in the caller's transaction.
 */
export async function notifyDepartment(
  tx: Prisma.TransactionClient,
  departmentCode: string,
  c: { trackingNumber: string; title: string },
  key = 'officer.newCase',
): Promise<Array<{ id: string; channel: ChannelName }>> {
  const officers = await tx.officer.findMany({
    where: {
      departmentCode,
      active: true,
      role: { in: ['officer', 'supervisor'] },
      channel: { not: null },
      address: { not: null },
    },
  });
  const written = [];
  for (const o of officers) {
    written.push(
      await writeNotification(tx, {
        channel: o.channel!,
        address: o.address!,
        language: o.language ?? 'id',
        officerId: o.id,
        replies: [
          {
            lines: [line(key, { trackingNumber: c.trackingNumber, title: c.title, department: departmentCode })],
            options: [
              {
                id: `off.claim:${c.trackingNumber}`,
                label: line('officer.option.claim', { trackingNumber: c.trackingNumber }),
              },
              { id: `off.timeline:${c.trackingNumber}`, label: line('officer.option.timeline') },
            ],
          },
        ],
      }),
    );
  }
  return written;
}
