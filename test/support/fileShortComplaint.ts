import type { CityData } from '../../core/city/loadCityData.js';
import { submitComplaint } from '../../core/cases/complaintService.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import { complaintSlaCases } from '../../core/sla/caseClocks.js';
import type { SlaCase } from '../../core/sla/planTimers.js';

/**
 * Files a complaint through the core, then shortens its three clocks so that each is due the
 * given milliseconds after `now` (all started `startedAgoMs` before it), held by
 * `assignedOfficerId`. Returns the complaint, the deadlines the city's data gave it at filing,
 * and its clocks as the SLA scheduler sees them.
 */
export async function fileShortComplaint(
  prisma: PrismaClient,
  city: CityData,
  timing: {
    now: Date;
    citizenId: string;
    categoryCode: string;
    startedAgoMs: number;
    verifyInMs: number;
    firstResponseInMs: number;
    resolveInMs: number;
    assignedOfficerId: string | null;
  },
): Promise<{
  id: string;
  trackingNumber: string;
  filed: { verifyDeadlineAt: Date | null; firstResponseDeadlineAt: Date | null; deadlineAt: Date };
  clocks: SlaCase[];
}> {
  const { now } = timing;
  const at = (ms: number) => new Date(now.getTime() + ms);
  const created = await prisma.$transaction((tx) =>
    submitComplaint(
      tx,
      city,
      {
        citizenId: timing.citizenId,
        categoryCode: timing.categoryCode,
        description: 'Jalan berlubang besar di depan sekolah, sudah dua motor jatuh minggu ini.',
        locationText: 'Jl. Gatot Subroto depan SD Negeri 5',
        latitude: null,
        longitude: null,
        anonymous: false,
        photos: [],
      },
      now,
    ),
  );
  const filed = await prisma.complaint.findUniqueOrThrow({ where: { id: created.id } });
  const c = await prisma.complaint.update({
    where: { id: created.id },
    data: {
      createdAt: at(-timing.startedAgoMs),
      verifyDeadlineAt: at(timing.verifyInMs),
      firstResponseDeadlineAt: at(timing.firstResponseInMs),
      deadlineAt: at(timing.resolveInMs),
      assignedOfficerId: timing.assignedOfficerId,
    },
  });
  return {
    id: c.id,
    trackingNumber: c.trackingNumber,
    filed: {
      verifyDeadlineAt: filed.verifyDeadlineAt,
      firstResponseDeadlineAt: filed.firstResponseDeadlineAt,
      deadlineAt: filed.deadlineAt,
    },
    clocks: complaintSlaCases(c, true).map(({ running: _running, ...clock }) => clock),
  };
}
