import type { CityData } from '../city/loadCityData.js';
import {
  CASE_KIND_LIST,
  clockDue,
  caseRowColumns,
  perKind,
  caseTitle,
  clocksOf,
  statusList,
  type CaseRow,
} from '../cases/caseKinds.js';
import { prismaSession, statement } from '../db/statements.js';
import type { ChannelName, Line } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';

/** Per kind: the open cases with a running clock past its deadline at $1, the nearest deadline first. */
const OVERDUE = perKind(({ kind, sql, openStatuses }) => {
  return statement(
    `sla_digest_${kind}`,
    `SELECT ${caseRowColumns(kind)} FROM ${sql.table} x
         WHERE x.status IN (${statusList(openStatuses)}) AND ${clockDue(kind, '<', '$1')}
         ORDER BY x."deadlineAt", x.id`,
  );
});

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
  const level = city.sla.escalation[0];
  if (!level) return [];
  const lang = level.language ?? city.defaultLanguage;
  const hours = (d: Date) => Math.floor((now.getTime() - d.getTime()) / 3_600_000);
  const sql = prismaSession(prisma);
  const overdue: CaseRow[] = [];
  for (const { kind } of CASE_KIND_LIST) overdue.push(...(await sql.query<CaseRow>(OVERDUE[kind], [now])));
  const lines: Line[] = overdue.flatMap((c) =>
    clocksOf(c)
      .filter((k) => !k.stoppedAt && k.deadlineAt < now)
      .map((k) => ({
        key: k.clock === 'resolve' ? 'sla.digestItem' : 'sla.digestItemClock',
        params: {
          trackingNumber: c.trackingNumber,
          title: caseTitle(city, c.kind, c.typeCode)[lang],
          department: c.departmentCode,
          hours: hours(k.deadlineAt),
          clock: k.clock,
        },
      })),
  );
  if (lines.length === 0) return [];
  const count = overdue.length;
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
