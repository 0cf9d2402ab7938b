import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import { PERMIT_OPEN_STATUSES } from '../../core/cases/permitLifecycle.js';
import type { Lang } from '../../core/conversation/types.js';
import { formatDateTime, localDate } from '../../core/domain/calendarDate.js';
import { parseTrackingNumber } from '../../core/domain/trackingNumber.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import { recordPersonalData, type PersonalField } from '../../core/privacy/trail.js';
import { complaintClocks, type CaseClock, type ClockName } from '../../core/sla/caseClocks.js';
import { slaClock, type SlaClock } from '../../web/slaClock.js';
import { noStore, securityHeaders, WEB_DIR } from './boardRoutes.js';
import { buildCaseReport } from './caseReport.js';
import { casePhotoPath } from './listBoardCases.js';
import { departmentsOf, viewerScope } from './viewerScope.js';

/** The longest period a report covers, in days. */
export const REPORT_MAX_DAYS = 366;
const REPORT_DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CaseRoutesOptions {
  officerOf: (req: Request) => Promise<Officer | null>;
}

/** An instant as the page shows it: ISO for `<time datetime>`, and in words in city time with the zone's label. */
interface CityInstant {
  at: string;
  text: string;
}

/** One clock of a case on its page. */
export interface CaseDetailClock {
  clock: ClockName;
  label: string;
  startedAt: CityInstant;
  deadlineAt: CityInstant;
  stoppedAt: CityInstant | null;
  /** running: counting down; paused: a permit waiting for the applicant; stopped: its step is done or the case closed. */
  state: 'running' | 'paused' | 'stopped';
  /** Where the clock stands now (running), where it stood (paused) or where it stopped. */
  slaClock: SlaClock;
}

export interface CaseTimelineEntry {
  at: CityInstant;
  actor: { type: 'citizen' | 'officer' | 'system'; name: string | null };
  fromStatus: string | null;
  fromStatusLabel: string | null;
  toStatus: string;
  toStatusLabel: string;
  /** A complaint forwarded to another department. */
  departmentCode: string | null;
  note: string | null;
}

/**
 * A case's page and the period reports: `GET /api/cases/:trackingNumber`, `/board/cases/:trackingNumber`,
 * `GET /api/reports` and `/board/reports`. Signed-in officers only, each within their scope.
 */
export function caseRoutes(core: Core, options: CaseRoutesOptions): Router {
  const router = express.Router();
  const prisma = core.db.prisma;
  const zone = core.city.timezone;
  const zoneLabel = core.city.timezoneLabel;
  const notSignedIn = (res: Response) => res.status(401).json({ error: 'not_signed_in', message: 'Silakan masuk.' });
  const notFound = (res: Response) => res.status(404).json({ error: 'not_found', message: 'Kasus tidak ditemukan.' });
  const langOf = (req: Request, officer: Officer): Lang =>
    req.query.lang === 'en' || req.query.lang === 'id' ? req.query.lang : (officer.language ?? core.defaultLanguage);

  router.use(['/board/cases', '/board/reports', '/api/cases', '/api/reports'], securityHeaders);
  router.use(['/api/cases', '/api/reports'], noStore);

  router.get('/api/cases/:trackingNumber', async (req, res) => {
    const officer = await options.officerOf(req);
    if (!officer) return void notSignedIn(res);
    const parsed = parseTrackingNumber(req.params.trackingNumber);
    if (!parsed.ok || parsed.kind === null) return void notFound(res);
    const lang = langOf(req, officer);
    const now = core.clock();
    const departments = departmentsOf(viewerScope(officer));
    const inScope = departments ? { departmentCode: { in: departments } } : {};
    const t = (key: string) => core.translator.t(lang, { key });
    const instant = (d: Date): CityInstant => ({
      at: d.toISOString(),
      text: `${formatDateTime(d, lang, zone)} ${zoneLabel}`,
    });
    const statusLabel = (kind: string, s: string) => t(`status.${kind}.${s}`);
    const clockOf = (c: CaseClock, state: CaseDetailClock['state'], pausedAt: Date | null): CaseDetailClock => ({
      clock: c.clock,
      label: t(`sla.clockTitle.${c.clock}`),
      startedAt: instant(c.startedAt),
      deadlineAt: instant(c.deadlineAt),
      stoppedAt: c.stoppedAt ? instant(c.stoppedAt) : null,
      state,
      slaClock:
        state === 'stopped' ? slaClock(c, (c.stoppedAt ?? now).getTime()) : slaClock({ ...c, pausedAt }, now.getTime()),
    });
    type Event = {
      actorType: CaseTimelineEntry['actor']['type'];
      actorId: string | null;
      fromStatus: string | null;
      toStatus: string;
      departmentCode?: string | null;
      note: string | null;
      createdAt: Date;
    };
    const timelineOf = async (kind: string, events: Event[]): Promise<CaseTimelineEntry[]> => {
      const ids = [...new Set(events.flatMap((e) => (e.actorType === 'officer' && e.actorId ? [e.actorId] : [])))];
      const officers = ids.length ? await prisma.officer.findMany({ where: { id: { in: ids } } }) : [];
      return events.map((e) => ({
        at: instant(e.createdAt),
        // A citizen is not named: the page keeps to what handling the case needs.
        actor: {
          type: e.actorType,
          name: e.actorType === 'officer' ? (officers.find((o) => o.id === e.actorId)?.name ?? null) : null,
        },
        fromStatus: e.fromStatus,
        fromStatusLabel: e.fromStatus ? statusLabel(kind, e.fromStatus) : null,
        toStatus: e.toStatus,
        toStatusLabel: statusLabel(kind, e.toStatus),
        departmentCode: e.departmentCode ?? null,
        note: e.note,
      }));
    };
    const holder = (o: { id: string; name: string } | null) => (o ? { id: o.id, name: o.name } : null);
    const byTime = { orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }] };

    let detail;
    if (parsed.kind === 'permit') {
      const p = await prisma.permitApplication.findFirst({
        where: { trackingNumber: parsed.trackingNumber, ...inScope },
        include: { permitType: true, department: true, assignedOfficer: true, events: byTime },
      });
      if (!p) return void notFound(res);
      const open = PERMIT_OPEN_STATUSES.includes(p.status);
      const pausedAt = p.status === 'needs_revision' ? (p.slaPausedAt ?? p.updatedAt) : null;
      const resolve: CaseClock = {
        clock: 'resolve',
        startedAt: p.submittedAt,
        deadlineAt: p.deadlineAt,
        stoppedAt: p.closedAt,
      };
      detail = {
        citizenId: p.citizenId,
        kind: 'permit' as const,
        trackingNumber: p.trackingNumber,
        title: lang === 'en' ? p.permitType.nameEn : p.permitType.nameId,
        departmentCode: p.departmentCode,
        departmentName: p.department.name,
        status: p.status,
        statusLabel: statusLabel('permit', p.status),
        open: open || p.status === 'needs_revision',
        filedAt: instant(p.submittedAt),
        closedAt: p.closedAt ? instant(p.closedAt) : null,
        holder: holder(p.assignedOfficer),
        clocks: [clockOf(resolve, open ? 'running' : pausedAt ? 'paused' : 'stopped', pausedAt)],
        timeline: await timelineOf('permit', p.events),
        description: null,
        place: null,
        latitude: null,
        longitude: null,
        photos: [] as string[],
      };
    } else {
      const c = await prisma.complaint.findFirst({
        where: { trackingNumber: parsed.trackingNumber, ...inScope },
        include: {
          category: true,
          department: true,
          assignedOfficer: true,
          events: byTime,
          attachments: { select: { sha256: true }, orderBy: [{ createdAt: 'asc' }, { sha256: 'asc' }] },
        },
      });
      if (!c) return void notFound(res);
      const open = COMPLAINT_OPEN_STATUSES.includes(c.status);
      detail = {
        citizenId: c.citizenId,
        kind: 'complaint' as const,
        trackingNumber: c.trackingNumber,
        title: lang === 'en' ? c.category.nameEn : c.category.nameId,
        departmentCode: c.departmentCode,
        departmentName: c.department.name,
        status: c.status,
        statusLabel: statusLabel('complaint', c.status),
        open,
        filedAt: instant(c.createdAt),
        closedAt: c.closedAt ? instant(c.closedAt) : null,
        holder: holder(c.assignedOfficer),
        // As the SLA scheduler runs them (complaintSlaCases): while open, and until their step is done.
        clocks: complaintClocks(c).map((k) =>
          clockOf(k, open && (k.clock === 'resolve' || k.stoppedAt === null) ? 'running' : 'stopped', null),
        ),
        timeline: await timelineOf('complaint', c.events),
        description: c.description,
        place: c.locationText,
        latitude: c.latitude,
        longitude: c.longitude,
        photos: c.attachments.map((a) => casePhotoPath(c.trackingNumber, a.sha256)),
      };
    }
    // The page shows a complaint's own words, place and photos: the read goes on the trail (UU PDP).
    const { citizenId, ...shown } = detail;
    const fields = shownFields(shown);
    if (fields.length > 0) {
      await recordPersonalData(prisma, [
        {
          at: now,
          actor: { type: 'officer', id: officer.id },
          action: 'view',
          via: 'board',
          citizenId,
          caseKind: shown.kind,
          trackingNumber: shown.trackingNumber,
          fields,
        },
      ]);
    }
    res.json({ now: now.toISOString(), timeZone: zone, timeZoneLabel: zoneLabel, case: shown });
  });

  router.get('/api/reports', async (req, res) => {
    const officer = await options.officerOf(req);
    if (!officer) return void notSignedIn(res);
    const now = core.clock();
    const period = reportPeriod(req.query.from, req.query.to, localDate(now, zone));
    if ('error' in period) return void res.status(400).json({ error: 'bad_period', message: period.error });
    const report = await buildCaseReport(prisma, core.city, {
      departments: departmentsOf(viewerScope(officer)),
      from: period.from,
      to: period.to,
      now,
    });
    res.json({
      now: now.toISOString(),
      city: core.city.name,
      timeZone: zone,
      timeZoneLabel: zoneLabel,
      from: period.from,
      to: period.to,
      ...report,
    });
  });

  router.get('/board/cases/:trackingNumber', (_req, res) => res.sendFile(path.join(WEB_DIR, 'case.html')));
  router.get('/board/reports', (_req, res) => res.sendFile(path.join(WEB_DIR, 'reports.html')));
  return router;
}

/** The personal fields a case page shows: a complaint's description, place and photos. */
function shownFields<
  T extends { description: string | null; place: string | null; latitude: number | null; photos: string[] },
>(detail: T): PersonalField[] {
  const fields: PersonalField[] = [];
  if (detail.description) fields.push('description');
  if (detail.place || detail.latitude !== null) fields.push('location');
  if (detail.photos.length > 0) fields.push('photos');
  return fields;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date's day number, or null when it is no date ("2026-02-30"). */
function dayOf(date: string): number | null {
  if (!DATE.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? null : ms / DAY_MS;
}

const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The report's period from the query: city dates, both ends inclusive; without `to` up to
 * today, without `from` the 30 days up to `to`. Refused in words for the officer.
 */
export function reportPeriod(
  fromParam: unknown,
  toParam: unknown,
  today: string,
): { from: string; to: string } | { error: string } {
  const given = (v: unknown) => (v === undefined || v === '' ? undefined : v);
  const rawTo = given(toParam) ?? today;
  const to = typeof rawTo === 'string' ? dayOf(rawTo) : null;
  if (to === null) return { error: 'Tanggal akhir harus tanggal yang benar, dengan format TTTT-BB-HH.' };
  const rawFrom = given(fromParam) ?? dateOf(to - (REPORT_DEFAULT_DAYS - 1));
  const from = typeof rawFrom === 'string' ? dayOf(rawFrom) : null;
  if (from === null) return { error: 'Tanggal awal harus tanggal yang benar, dengan format TTTT-BB-HH.' };
  if (from > to) return { error: 'Tanggal awal tidak boleh sesudah tanggal akhir.' };
  if (to - from + 1 > REPORT_MAX_DAYS) return { error: `Periode laporan paling panjang ${REPORT_MAX_DAYS} hari.` };
  return { from: dateOf(from), to: dateOf(to) };
}
