import type { CityData } from '../city/loadCityData.js';
import type { ChannelName, Lang, Line } from '../conversation/types.js';
import { formatDateTime } from '../domain/calendarDate.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { findCaseById } from '../officers/caseLookup.js';
import { parseTimerId } from './planTimers.js';

export type FireOutcome =
  | { status: 'sent'; outbox: Array<{ id: string; channel: ChannelName }> }
  | { status: 'stale' | 'closed' | 'stopped' | 'alreadyFired' };

/**
 * Fires one SLA timer, exactly once: in one transaction it checks that the case is still open,
 * its clock still running (a complaint verified or answered has stopped that clock) and on the
 * same deadline, records the timer as fired (a second firing finds the record and
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
      const c = await findCaseById(tx, city, timer.caseKind, timer.caseId);
      if (!c || c.deadlineVersion !== timer.deadlineVersion) return { status: 'stale' as const };
      if (!c.open) return { status: 'closed' as const };
      const clock = c.clocks.find((k) => k.clock === timer.clock);
      if (!clock) return { status: 'stale' as const };
      if (clock.clock !== 'resolve' && clock.stoppedAt) return { status: 'stopped' as const };
      const deadlineAt = clock.deadlineAt;
      // A reminder that comes due only after the deadline (the worker was down) says nothing the
      // escalation does not: it is dropped, as planTimers drops it when planning.
      if (timer.kind === 'reminder' && now.getTime() >= deadlineAt.getTime()) return { status: 'stale' as const };
      const holder = c.holderId ? await tx.officer.findUnique({ where: { id: c.holderId } }) : null;
      const departmentName = city.departments.find((d) => d.code === c.departmentCode)?.name ?? c.departmentCode;
      await tx.slaNotice.create({
        data: { timerId, caseKind: timer.caseKind, caseId: timer.caseId, kind: timer.kind, firedAt: now },
      });
      const zone = city.timezone;
      const params = {
        trackingNumber: c.trackingNumber,
        title: c.title,
        department: departmentName,
        holder: c.holderName ?? '-',
        deadline: `${formatDateTime(deadlineAt, lang, zone)} ${city.timezoneLabel}`,
        heldHours: Math.floor((now.getTime() - c.submittedAt.getTime()) / 3_600_000),
        leftHours: Math.max(0, Math.floor((deadlineAt.getTime() - now.getTime()) / 3_600_000)),
        clock: timer.clock,
      };
      // The resolution clock keeps its texts; LAPOR's first two clocks say which step is late.
      const keys =
        timer.clock === 'resolve'
          ? {
              reminder: 'sla.reminder',
              subject: 'sla.escalationSubject',
              first: 'sla.escalation',
              next: 'sla.escalationNext',
            }
          : {
              reminder: 'sla.clockReminder',
              subject: 'sla.clockEscalationSubject',
              first: 'sla.clockEscalation',
              next: 'sla.clockEscalationNext',
            };
      const outbox: Array<{ id: string; channel: ChannelName }> = [];
      if (timer.kind === 'reminder') {
        const replies = [{ lines: [{ key: keys.reminder, params }] }];
        const recipients =
          holder?.channel && holder.address
            ? [holder]
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
              language: o.language ?? lang,
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
          key: timer.index === 0 ? keys.first : keys.next,
          params: { ...params, level: level.label[lang] },
        },
      ];
      for (const email of level.emails) {
        outbox.push(
          await writeNotification(tx, {
            channel: 'email',
            address: email,
            language: lang,
            replies: [{ lines: [{ key: keys.subject, params }] }, { lines: body }],
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
              language: o.language ?? lang,
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
