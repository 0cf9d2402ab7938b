import type { CityData } from '../../core/city/loadCityData.js';
import { submitPermit } from '../../core/cases/permitService.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import type { SlaCase } from '../../core/sla/planTimers.js';

/**
 * Files a SIUP application through the core, then shortens its SLA so that the deadline is
 * `dueInMs` after `now` (the clock started `startedAgoMs`, default a minute, before it). The
 * applicant is `citizenId` when given, otherwise a new citizen with `phone`; `assignedOfficerId`,
 * when given, sets who holds the case. Returns the case as the SLA scheduler sees it.
 */
export async function fileShortPermit(
  prisma: PrismaClient,
  city: CityData,
  timing: {
    now: Date;
    dueInMs: number;
    startedAgoMs?: number;
    phone: string;
    citizenId?: string;
    email?: string | null;
    assignedOfficerId?: string | null;
  },
): Promise<{ trackingNumber: string; sla: SlaCase }> {
  const { now } = timing;
  const citizenId = timing.citizenId ?? (await prisma.citizen.create({ data: { phone: timing.phone } })).id;
  const filed = await prisma.$transaction((tx) =>
    submitPermit(
      tx,
      city,
      {
        citizenId,
        typeCode: 'SIUP',
        applicantName: 'Siti Rahmawati Nasution',
        nik: '1275014501900007',
        phone: timing.phone,
        email: timing.email ?? null,
        fields: { businessName: 'Toko Maju Jaya', businessAddress: 'Jl. Sudirman No. 10' },
      },
      now,
    ),
  );
  const p = await prisma.permitApplication.update({
    where: { id: filed.id },
    data: {
      submittedAt: new Date(now.getTime() - (timing.startedAgoMs ?? 60_000)),
      deadlineAt: new Date(now.getTime() + timing.dueInMs),
      assignedOfficerId: timing.assignedOfficerId,
    },
  });
  return {
    trackingNumber: p.trackingNumber,
    sla: {
      kind: 'permit',
      id: p.id,
      startedAt: p.submittedAt,
      deadlineAt: p.deadlineAt,
      deadlineVersion: p.deadlineVersion,
    },
  };
}
