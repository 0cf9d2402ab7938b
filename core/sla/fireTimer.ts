import type { CityData } from '../city/loadCityData.js';
import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import { PERMIT_OPEN_STATUSES } from '../cases/permitLifecycle.js';
import type { ChannelName, Lang, Line } from '../conversation/types.js';
import { formatDateTime } from '../domain/calendarDate.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { parseTimerId } from './planTimers.js';

export type FireOutcome =
  | { status: 'sent'; outbox: Array<{ id: string; channel: ChannelName }> }
  | { status: 'stale' | 'closed' | 'alreadyFired' };

/** The facts of a case the SLA messages tell. */
interface CaseFacts {
  id: string;
  trackingNumber: string;
  title: { id: string; en: string };
  status: string;
  open: boolean;
  deadlineVersion: number;
  startedAt: Date;
  deadlineAt: Date;
  departmentCode: string;
  departmentName: string;
  holder: { id: string; name: string; channel: ChannelName | null; address: string | null } | null;
}

async function loadCase(
  tx: Prisma.TransactionClient,
  kind: 'permit' | 'complaint',
  id: string,
): Promise<CaseFacts | null> {
  if (kind === 'permit') {
    const p = await tx.permitApplication.findUnique({ where: { id } });
    if (!p) return null;
    const type = await tx.permitType.findUniqueOrThrow({ where: { code: p.permitTypeCode } });
    const department = await tx.department.findUniqueOrThrow({ where: { code: p.departmentCode } });
    const holder = p.assignedOfficerId ? await tx.officer.findUnique({ where: { id: p.assignedOfficerId } }) : null;
    return {
      id: p.id,
      trackingNumber: p.trackingNumber,
      title: { id: type.nameId, en: type.nameEn },
      status: p.status,
      open: PERMIT_OPEN_STATUSES.includes(p.status),
      deadlineVersion: p.deadlineVersion,
      startedAt: p.submittedAt,
      deadlineAt: p.deadlineAt,
      departmentCode: p.departmentCode,
      departmentName: department.name,
      holder,
    };
  }
  const c = await tx.complaint.findUnique({ where: { id } });
  if (!c) return null;
  const category = await tx.complaintCategory.findUniqueOrThrow({ where: { code: c.categoryCode } });
  const department = await tx.department.findUniqueOrThrow({ where: { code: c.departmentCode } });
  const holder = c.assignedOfficerId ? await tx.officer.findUnique({ where: { id: c.assignedOfficerId } }) : null;
  return {
    id: c.id,
    trackingNumber: c.trackingNumber,
    title: { id: category.nameId, en: category.nameEn },
    status: c.status,
    open: COMPLAINT_OPEN_STATUSES.includes(c.status),
    deadlineVersion: c.deadlineVersion,
    startedAt: c.createdAt,
    deadlineAt: c.deadlineAt,
    departmentCode: c.departmentCode,
    departmentName: department.name,
    holder,
  };
}

/**
 * Fires one SLA timer, exactly once: in one transaction it checks that the case is still open
 * and on the same deadline, records the timer as fired (a second firing finds the record and
 * does nothing), and writes the reminders or escalations as outbox rows.
 */
export async function fireTimer(
  prisma: PrismaClient,
  city: CityData,
  timerId: string,
  now: Date,
  lang: Lang = 'id',
): Promise<FireOutcome> {
  const timer = parseTimerId(timerId);
  if (!timer) return { status: 'stale' };
  try {
    return await prisma.$transaction(async (tx) => {
      const c = await loadCase(tx, timer.caseKind, timer.caseId);
      if (!c || c.deadlineVersion !== timer.deadlineVersion) return { status: 'stale' as const };
      if (!c.open) return { status: 'closed' as const };
      await tx.slaNotice.create({
        data: { timerId, caseKind: timer.caseKind, caseId: timer.caseId, kind: timer.kind, firedAt: now },
      });
      const zone = city.timezone;
      const params = {
        trackingNumber: c.trackingNumber,
        title: c.title[lang],
        department: c.departmentName,
        holder: c.holder?.name ?? '-',
        deadline: `${formatDateTime(c.deadlineAt, lang, zone)} ${city.timezoneLabel}`,
        heldHours: Math.floor((now.getTime() - c.startedAt.getTime()) / 3_600_000),
        leftHours: Math.max(0, Math.floor((c.deadlineAt.getTime() - now.getTime()) / 3_600_000)),
      };
      const outbox: Array<{ id: string; channel: ChannelName }> = [];
      if (timer.kind === 'reminder') {
        const replies = [{ lines: [{ key: 'sla.reminder', params }] }];
        const recipients =
          c.holder?.channel && c.holder.address
            ? [c.holder]
            : await tx.officer.findMany({
                where: {
                  departmentCode: c.departmentCode,
                  active: true,
                  role: { in: ['officer', 'supervisor'] },
                  channel: { not: null },
                },
              });
        for (const o of recipients) {
          if (!o.channel || !o.address) continue;
          outbox.push(
            await writeNotification(tx, {
              channel: o.channel,
              address: o.address,
              language: lang,
              replies,
              officerId: o.id,
            }),
          );
        }
        return { status: 'sent' as const, outbox };
      }
      const level = city.sla.escalation[timer.index];
      if (!level) return { status: 'stale' as const };
      const body: Line[] = [
        {
          key: timer.index === 0 ? 'sla.escalation' : 'sla.escalationNext',
          params: { ...params, level: level.label[lang] },
        },
      ];
      for (const email of level.emails) {
        outbox.push(
          await writeNotification(tx, {
            channel: 'email',
            address: email,
            language: lang,
            replies: [{ lines: [{ key: 'sla.escalationSubject', params }] }, { lines: body }],
          }),
        );
      }
      for (const phone of level.phones) {
        outbox.push(
          await writeNotification(tx, {
            channel: 'sms',
            address: phone,
            language: lang,
            replies: [{ lines: body }],
            urgent: true,
          }),
        );
      }
      if (timer.index === 0) {
        const inspectors = await tx.officer.findMany({
          where: { role: 'inspectorate', active: true, channel: { not: null } },
        });
        for (const o of inspectors) {
          if (!o.channel || !o.address) continue;
          outbox.push(
            await writeNotification(tx, {
              channel: o.channel,
              address: o.address,
              language: lang,
              replies: [{ lines: body }],
              officerId: o.id,
            }),
          );
        }
      }
      return { status: 'sent' as const, outbox };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return { status: 'alreadyFired' };
    throw error;
  }
}
