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
 * does nothing), and writes the reminders or escalations as outbox rows: an officer's in their
 * language, an escalation level's in its own `language`, both defaulting to the city's.
 */
export async function fireTimer(
  prisma: PrismaClient,
  city: CityData,
  timerId: string,
  now: Date,
): Promise<FireOutcome> {
  const cityLang = city.defaultLanguage;
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
      const paramsIn = (lang: Lang) => ({
        trackingNumber: c.trackingNumber,
        title: c.titles[lang],
        department: departmentName,
        holder: c.holderName ?? '-',
        deadline: `${formatDateTime(deadlineAt, lang, zone)} ${city.timezoneLabel}`,
        heldHours: Math.floor((now.getTime() - c.submittedAt.getTime()) / 3_600_000),
        leftHours: Math.max(0, Math.floor((deadlineAt.getTime() - now.getTime()) / 3_600_000)),
        clock: timer.clock,
      });
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
        const replies = (lang: Lang) => [{ lines: [{ key: keys.reminder, params: paramsIn(lang) }] }];
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
          const lang = o.language ?? cityLang;
          outbox.push(
            await writeNotification(tx, {
              channel: o.channel,
              address: o.address,
              language: lang,
              replies: replies(lang),
              officerId: o.id,
            }),
          );
        }
        return { status: 'sent' as const, outbox };
      }
      const level = city.sla.escalation[timer.index];
      if (!level) return { status: 'stale' as const };
      const body = (lang: Lang): Line[] => [
        {
          key: timer.index === 0 ? keys.first : keys.next,
          params: { ...paramsIn(lang), level: level.label[lang] },
        },
      ];
      const levelLang = level.language ?? cityLang;
      for (const email of level.emails) {
        outbox.push(
          await writeNotification(tx, {
            channel: 'email',
            address: email,
            language: levelLang,
            replies: [{ lines: [{ key: keys.subject, params: paramsIn(levelLang) }] }, { lines: body(levelLang) }],
          }),
        );
      }
      for (const phone of level.phones) {
        outbox.push(
          await writeNotification(tx, {
            channel: 'sms',
            address: phone,
            language: levelLang,
            replies: [{ lines: body(levelLang) }],
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
          const lang = o.language ?? cityLang;
          outbox.push(
            await writeNotification(tx, {
              channel: o.channel,
              address: o.address,
              language: lang,
              replies: [{ lines: body(lang) }],
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
