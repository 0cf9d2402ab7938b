import type { CityData } from '../city/loadCityData.js';
import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import { PERMIT_OPEN_STATUSES } from '../cases/permitLifecycle.js';
import type { ChannelName, Line } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { complaintClocks } from './caseClocks.js';

/**
 * The daily digest for the Inspectorate (the first level of the escalation chain): every open
 * case past its deadline, by email, a complaint once per running clock past its deadline
 * (verification, first response, resolution), in that level's `language` (default the city's).
 * Nothing is sent on a day with nothing overdue.
 */
export async function buildDigest(
  prisma: PrismaClient,
  city: CityData,
  now: Date,
): Promise<Array<{ id: string; channel: ChannelName }>> {
  const permits = await prisma.permitApplication.findMany({
    where: { status: { in: [...PERMIT_OPEN_STATUSES] }, deadlineAt: { lt: now } },
    include: { permitType: true, department: true },
    orderBy: { deadlineAt: 'asc' },
  });
  const complaints = await prisma.complaint.findMany({
    where: {
      status: { in: [...COMPLAINT_OPEN_STATUSES] },
      OR: [
        { deadlineAt: { lt: now } },
        { verifiedAt: null, verifyDeadlineAt: { lt: now } },
        { firstRespondedAt: null, firstResponseDeadlineAt: { lt: now } },
      ],
    },
    include: { category: true, department: true },
    orderBy: { createdAt: 'asc' },
  });
  const level = city.sla.escalation[0];
  if (!level) return [];
  const lang = level.language ?? city.defaultLanguage;
  const hours = (d: Date) => Math.floor((now.getTime() - d.getTime()) / 3_600_000);
  const lines: Line[] = [
    ...permits.map((p) => ({
      key: 'sla.digestItem',
      params: {
        trackingNumber: p.trackingNumber,
        title: lang === 'en' ? p.permitType.nameEn : p.permitType.nameId,
        department: p.department.code,
        hours: hours(p.deadlineAt),
      },
    })),
    ...complaints.flatMap((c) =>
      complaintClocks(c)
        .filter((k) => !k.stoppedAt && k.deadlineAt < now)
        .map((k) => ({
          key: k.clock === 'resolve' ? 'sla.digestItem' : 'sla.digestItemClock',
          params: {
            trackingNumber: c.trackingNumber,
            title: lang === 'en' ? c.category.nameEn : c.category.nameId,
            department: c.department.code,
            hours: hours(k.deadlineAt),
            clock: k.clock,
          },
        })),
    ),
  ];
  if (lines.length === 0) return [];
  const count = permits.length + complaints.length;
  return prisma.$transaction(async (tx) => {
    const written = [];
    for (const email of level.emails) {
      written.push(
        await writeNotification(tx, {
          channel: 'email',
          address: email,
          language: lang,
          replies: [
            { lines: [{ key: 'sla.digestSubject', params: { count } }] },
            { lines: [{ key: 'sla.digestIntro', params: { count } }, ...lines] },
          ],
        }),
      );
    }
    return written;
  });
}
