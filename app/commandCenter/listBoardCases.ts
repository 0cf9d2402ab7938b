import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import type { ChannelName, Lang } from '../../core/conversation/types.js';
import type { PrismaClient } from '../../core/generated/prisma/client.js';
import { formatDateTime } from '../../core/domain/calendarDate.js';
import type { Translator } from '../../core/i18n/createTranslator.js';
import { complaintClocks, currentClock, type ClockName } from '../../core/sla/caseClocks.js';
import { slaClock, type SlaClock } from '../../web/slaClock.js';

/** Permit statuses shown on the board: the running ones and the one waiting for the applicant. */
const PERMIT_BOARD_STATUSES = ['submitted', 'verified', 'in_process', 'needs_revision'] as const;
const DESCRIPTION_CHARS = 280;

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

/** The same case for the TV wall: nothing that could name or locate a citizen. */
export interface TvCase {
  kind: BoardCase['kind'];
  trackingNumber: string;
  title: string;
  departmentCode: string;
  departmentName: string;
  status: string;
  statusLabel: string;
  startedAt: string;
  deadlineAt: string;
  pausedAt: string | null;
  clock: SlaClock;
  clockName: ClockName;
  clockLabel: string | null;
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

/** The identities of a case's citizen that opted out, oldest first. */
const OPTED_OUT_IDENTITIES = {
  where: { optedOutAt: { not: null } },
  orderBy: { optedOutAt: 'asc' },
  select: { channel: true, optedOutAt: true, optOutReason: true },
} as const;

function optedOutOf(
  identities: Array<{ channel: ChannelName; optedOutAt: Date | null; optOutReason: string | null }>,
): OptedOutChannel[] {
  return identities.flatMap((i) =>
    i.optedOutAt
      ? [{ channel: i.channel, since: i.optedOutAt.toISOString(), reason: i.optOutReason ?? 'sms-stop' }]
      : [],
  );
}

const CLOCK_ORDER: Record<SlaClock['state'], number> = { overdue: 0, close: 1, on_time: 2, paused: 3 };

/**
 * Every open permit and complaint in the given departments with its SLA clock, most urgent
 * first: overdue (longest overdue first), then close, then on time, paused last.
 */
export async function listBoardCases(prisma: PrismaClient, q: BoardQuery): Promise<BoardCase[]> {
  const limit = q.limit ?? 2000;
  const inDepartments = q.departments ? { departmentCode: { in: q.departments } } : {};
  const nowMs = q.now.getTime();
  const label = (kind: string, status: string) => q.translator.t(q.lang, { key: `status.${kind}.${status}` });
  const holder = (o: { id: string; name: string } | null) => (o ? { id: o.id, name: o.name } : null);
  const citizen = { select: { identities: OPTED_OUT_IDENTITIES } } as const;

  const permits =
    q.kind === 'complaint'
      ? []
      : await prisma.permitApplication.findMany({
          where: { status: { in: [...PERMIT_BOARD_STATUSES] }, ...inDepartments },
          include: { permitType: true, department: true, assignedOfficer: true, citizen },
          orderBy: { deadlineAt: 'asc' },
          take: limit,
        });
  const complaints =
    q.kind === 'permit'
      ? []
      : await prisma.complaint.findMany({
          where: { status: { in: [...COMPLAINT_OPEN_STATUSES] }, ...inDepartments },
          include: {
            category: true,
            department: true,
            assignedOfficer: true,
            citizen,
            attachments: { select: { sha256: true }, orderBy: [{ createdAt: 'asc' }, { sha256: 'asc' }] },
          },
          orderBy: { deadlineAt: 'asc' },
          take: limit,
        });

  const cases: BoardCase[] = [
    ...permits.map((p): BoardCase => {
      const pausedAt = p.status === 'needs_revision' ? (p.slaPausedAt ?? p.updatedAt) : null;
      return {
        kind: 'permit',
        trackingNumber: p.trackingNumber,
        title: q.lang === 'en' ? p.permitType.nameEn : p.permitType.nameId,
        typeCode: p.permitTypeCode,
        departmentCode: p.departmentCode,
        departmentName: p.department.name,
        status: p.status,
        statusLabel: label('permit', p.status),
        startedAt: p.submittedAt.toISOString(),
        deadlineAt: p.deadlineAt.toISOString(),
        pausedAt: pausedAt?.toISOString() ?? null,
        clock: slaClock({ startedAt: p.submittedAt, deadlineAt: p.deadlineAt, pausedAt }, nowMs),
        clockName: 'resolve',
        clockLabel: null,
        holder: holder(p.assignedOfficer),
        description: null,
        place: null,
        latitude: null,
        longitude: null,
        optedOut: optedOutOf(p.citizen.identities),
        photos: [],
      };
    }),
    ...complaints.map((c): BoardCase => {
      // Open, so at least the resolution clock runs.
      const shown = currentClock(complaintClocks(c), true)!;
      const deadline = `${formatDateTime(shown.deadlineAt, q.lang, q.zone.timeZone)} ${q.zone.label}`;
      return {
        kind: 'complaint',
        trackingNumber: c.trackingNumber,
        title: q.lang === 'en' ? c.category.nameEn : c.category.nameId,
        typeCode: c.categoryCode,
        departmentCode: c.departmentCode,
        departmentName: c.department.name,
        status: c.status,
        statusLabel: label('complaint', c.status),
        startedAt: shown.startedAt.toISOString(),
        deadlineAt: shown.deadlineAt.toISOString(),
        pausedAt: null,
        clock: slaClock(shown, nowMs),
        clockName: shown.clock,
        clockLabel: q.translator.t(q.lang, { key: 'sla.clockDeadline', params: { clock: shown.clock, deadline } }),
        holder: holder(c.assignedOfficer),
        description:
          c.description.length > DESCRIPTION_CHARS
            ? `${c.description.slice(0, DESCRIPTION_CHARS - 3)}...`
            : c.description,
        place: c.locationText,
        latitude: c.latitude,
        longitude: c.longitude,
        optedOut: c.anonymous ? [] : optedOutOf(c.citizen.identities),
        photos: c.attachments.map((a) => casePhotoPath(c.trackingNumber, a.sha256)),
      };
    }),
  ];
  return cases
    .sort((a, b) => CLOCK_ORDER[a.clock.state] - CLOCK_ORDER[b.clock.state] || a.clock.msLeft - b.clock.msLeft)
    .slice(0, limit);
}

/** Keeps only what the TV wall may show: field by field, so nothing new slips through. */
export function toTvCase(c: BoardCase): TvCase {
  return {
    kind: c.kind,
    trackingNumber: c.trackingNumber,
    title: c.title,
    departmentCode: c.departmentCode,
    departmentName: c.departmentName,
    status: c.status,
    statusLabel: c.statusLabel,
    startedAt: c.startedAt,
    deadlineAt: c.deadlineAt,
    pausedAt: c.pausedAt,
    clock: c.clock,
    clockName: c.clockName,
    clockLabel: c.clockLabel,
  };
}
