import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import type { CityData } from '../city/loadCityData.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { laporDeadlines } from './caseClocks.js';

/** Complaints given their deadlines per round: one short statement per department each. */
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
    if (missing.length === 0) return filled;
    // Written in department order: each case write locks its department's CaseWatermark row
    // until commit, and a forward locks its two in that order too, so the orders never cross.
    // One set-based statement per department rather than a batch of Prisma updates: the client
    // keeps every batch's query plan (one statement per complaint) in its plan cache, which at
    // a city's 40,000 complaints held hundreds of MB for the life of the process.
    const byDepartment = new Map<string, typeof missing>();
    for (const c of missing) byDepartment.set(c.departmentCode, [...(byDepartment.get(c.departmentCode) ?? []), c]);
    for (const department of [...byDepartment.keys()].sort()) {
      const rows = byDepartment.get(department)!.map((c) => {
        const deadlines = laporDeadlines(city, c.createdAt);
        return {
          id: c.id,
          verify: (c.verifyDeadlineAt ?? deadlines.verifyDeadlineAt).toISOString(),
          first: (c.firstResponseDeadlineAt ?? deadlines.firstResponseDeadlineAt).toISOString(),
        };
      });
      await prisma.$executeRaw`
        UPDATE "Complaint" AS c SET
          "verifyDeadlineAt" = COALESCE(c."verifyDeadlineAt", r.verify),
          "firstResponseDeadlineAt" = COALESCE(c."firstResponseDeadlineAt", r.first),
          "updatedAt" = now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, verify timestamptz, first timestamptz)
        WHERE c."id" = r.id`;
    }
    filled += missing.length;
  }
}
