import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import type { CityData } from '../city/loadCityData.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { laporDeadlines } from './caseClocks.js';

/** Complaints given their deadlines per round: one short transaction each. */
const BATCH = 200;

/**
 * Gives every open complaint without them its verification and first-response deadlines, from
 * its filing on the city's working calendar: complaints filed before these clocks were kept
 * (the migration cannot count the city's working days). Run by the SLA reconciler before it
 * plans the timers; a no-op once every open complaint has them. Returns the number filled.
 */
export async function fillComplaintClocks(prisma: PrismaClient, city: CityData): Promise<number> {
  let filled = 0;
  for (;;) {
    const missing = await prisma.complaint.findMany({
      where: {
        status: { in: [...COMPLAINT_OPEN_STATUSES] },
        OR: [{ verifyDeadlineAt: null }, { firstResponseDeadlineAt: null }],
      },
      select: {
        id: true,
        departmentCode: true,
        createdAt: true,
        verifyDeadlineAt: true,
        firstResponseDeadlineAt: true,
      },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    // Written in department order: each case write locks its department's CaseWatermark row
    // until commit, and a forward locks its two in that order too, so the orders never cross.
    missing.sort((a, b) => a.departmentCode.localeCompare(b.departmentCode) || a.id.localeCompare(b.id));
    if (missing.length === 0) return filled;
    await prisma.$transaction(
      missing.map((c) => {
        const deadlines = laporDeadlines(city, c.createdAt);
        return prisma.complaint.update({
          where: { id: c.id },
          data: {
            verifyDeadlineAt: c.verifyDeadlineAt ?? deadlines.verifyDeadlineAt,
            firstResponseDeadlineAt: c.firstResponseDeadlineAt ?? deadlines.firstResponseDeadlineAt,
          },
        });
      }),
    );
    filled += missing.length;
  }
}
