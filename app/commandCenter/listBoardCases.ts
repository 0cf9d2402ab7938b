import type { ChannelName, Lang } from '../../core/conversation/types.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import type { ClockName } from '../../core/sla/caseClocks.js';
import type { SlaClock } from '../../web/slaClock.js';
import { decodeCursor, listCases, MAX_LIMIT, namesOf, type CaseNames, type Cursor } from './caseList.js';

/** An open case as officers see it on the board. No contact data of the citizen. */
export interface BoardCase {
  kind: 'permit' | 'complaint';
  trackingNumber: string;
  /** The permit type or complaint category, in the board's language. */
  title: string;
  typeCode: string;
  departmentCode: string;
  departmentName: string;
  status: string;
  statusLabel: string;
  startedAt: string;
  deadlineAt: string;
  /** Set while the clock stands still (a permit waiting for the applicant's corrections). */
  pausedAt: string | null;
  clock: SlaClock;
  /**
   * The clock shown, whose start and deadline `startedAt` and `deadlineAt` are: a permit's only
   * one; of a complaint's three (caseClocks), the running one due first.
   */
  clockName: ClockName;
  /** A complaint's clock and its deadline in words, in city time; null for a permit. */
  clockLabel: string | null;
  holder: { id: string; name: string } | null;
  /** A complaint's words, cut short; null for permits. */
  description: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Channels where the citizen takes no messages, as the provider or an SMS STOP said; empty for an anonymous complainant. */
  optedOut: OptedOutChannel[];
  /** A complaint's photos, oldest first, each at `/api/cases/{trackingNumber}/photos/{sha256}`; none for permits. */
  photos: string[];
}

/** A channel identity of the case's citizen that takes no messages, and since when. */
export interface OptedOutChannel {
  channel: ChannelName;
  since: string;
  reason: string;
}

/** Where the board reads a case's photo: the signed-in officer's own view of the case. */
export function casePhotoPath(trackingNumber: string, sha256: string): string {
  return `/api/cases/${trackingNumber}/photos/${sha256}`;
}

export interface BoardQuery {
  /** Null: every department. */
  departments: string[] | null;
  kind?: BoardCase['kind'] | undefined;
  now: Date;
  lang: Lang;
  translator: Translator;
  /** The city's time zone and its label, for a deadline in words. */
  zone: { timeZone: string; label: string };
  limit?: number;
}

/** The names of types and departments as synced into the database from the city data. */
async function namesInDatabase(prisma: PrismaClient): Promise<CaseNames> {
  const [permitTypes, categories, departments] = await Promise.all([
    prisma.permitType.findMany({ select: { code: true, nameId: true, nameEn: true } }),
    prisma.complaintCategory.findMany({ select: { code: true, nameId: true, nameEn: true } }),
    prisma.department.findMany({ select: { code: true, name: true } }),
  ]);
  return namesOf(
    permitTypes.map((t) => ({ kind: 'permit' as const, code: t.code, name: { id: t.nameId, en: t.nameEn } })),
    categories.map((t) => ({ kind: 'complaint' as const, code: t.code, name: { id: t.nameId, en: t.nameEn } })),
    departments.map((d) => ({ code: d.code, name: { id: d.name, en: d.name } })),
  );
}

/**
 * Every open permit and complaint in the given departments (up to `limit`, default all) with
 * its SLA clock, most urgent first: pages of caseList.ts read one after another. For callers
 * that need the whole list; the board itself pages through /api/cases.
 */
export async function listBoardCases(prisma: PrismaClient, q: BoardQuery): Promise<BoardCase[]> {
  const names = await namesInDatabase(prisma);
  const wanted = q.limit ?? Infinity;
  const cases: BoardCase[] = [];
  let cursor: Cursor | null = null;
  do {
    const page = await listCases(prisma, {
      departments: q.departments,
      kind: q.kind,
      now: q.now,
      cursor,
      limit: Math.min(MAX_LIMIT, wanted - cases.length),
      lang: q.lang,
      translator: q.translator,
      names,
      zone: q.zone,
    });
    cases.push(...page.cases);
    cursor = page.nextCursor ? decodeCursor(page.nextCursor, 'urgency') : null;
  } while (cursor && cases.length < wanted);
  return cases;
}
