import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import {
  CASE_KIND,
  caseColumn,
  caseRowColumns,
  perKind,
  clocksOf,
  type CaseRow,
  pausedSince,
} from '../../core/cases/caseKinds.js';
import { prismaSession, statement } from '../../core/db/statements.js';
import type { Lang } from '../../core/conversation/types.js';
import { formatDateTime, localDate } from '../../core/domain/calendarDate.js';
import { parseTrackingNumber } from '../../core/domain/trackingNumber.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import { recordPersonalData, type PersonalField } from '../../core/privacy/trail.js';
import type { CaseClock, ClockName } from '../../core/sla/caseClocks.js';
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

type DetailRow = CaseRow & {
  /** Since when it waits on the citizen (pausedSince); null while it does not. */
  pausedSince: Date | null;
  nameId: string;
  nameEn: string;
  departmentName: string;
  holderName: string | null;
  /** JSON: the timeline, oldest first, with the acting officer's name (a citizen is not named). */
  events: string;
  /** JSON: the photos' hashes, oldest first. */
  photos: string;
};

/** Per kind: a case in the viewer's departments ($2, all when null) by its tracking number ($1), with its trail and photos. */
const DETAIL = perKind((spec) => {
  const { kind, sql } = spec;
  const department = sql.eventDepartmentColumn ? `e.${sql.eventDepartmentColumn}` : 'NULL::text';
  const photos = sql.attachments
    ? `COALESCE((SELECT json_agg(a.sha256 ORDER BY a."createdAt", a.sha256) FROM ${sql.attachments.table} a
           WHERE a.${sql.attachments.caseColumn} = x.id), '[]'::json)::text`
    : `'[]'`;
  return statement(
    `board_case_detail_${kind}`,
    `SELECT ${caseRowColumns(kind)}, ${pausedSince(spec)} AS "pausedSince", t."nameId", t."nameEn", d.name AS "departmentName",
           o.name AS "holderName",
           COALESCE((SELECT json_agg(json_build_object(
               'at', to_char(e."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'actor', json_build_object('type', e."actorType", 'name', CASE WHEN e."actorType" = 'officer' THEN eo.name END),
               'fromStatus', e."fromStatus", 'toStatus', e."toStatus", 'departmentCode', ${department}, 'note', e.note)
             ORDER BY e."createdAt", e.id)
             FROM ${sql.eventTable} e LEFT JOIN "Officer" eo ON eo.id::text = e."actorId"
             WHERE e.${sql.eventCaseColumn} = x.id), '[]'::json)::text AS events,
           ${photos} AS photos
         FROM ${sql.table} x
         JOIN ${sql.typeTable} t ON t.code = ${caseColumn(kind, 'typeCode')}
         JOIN "Department" d ON d.code = x."departmentCode"
         LEFT JOIN "Officer" o ON o.id = x."assignedOfficerId"
         WHERE x."trackingNumber" = $1 AND ($2::text[] IS NULL OR x."departmentCode" = ANY($2::text[]))`,
  );
});

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
    const spec = CASE_KIND[parsed.kind];
    const [row] = await prismaSession(prisma).query<DetailRow>(DETAIL[parsed.kind], [
      parsed.trackingNumber,
      departments,
    ]);
    if (!row) return void notFound(res);
    const open = spec.openStatuses.includes(row.status);
    const pausedAt = row.pausedSince;
    const events = JSON.parse(row.events) as Array<
      Omit<CaseTimelineEntry, 'at' | 'fromStatusLabel' | 'toStatusLabel'> & { at: string }
    >;
    const detail = {
      citizenId: row.citizenId,
      kind: spec.kind,
      trackingNumber: row.trackingNumber,
      title: lang === 'en' ? row.nameEn : row.nameId,
      departmentCode: row.departmentCode,
      departmentName: row.departmentName,
      status: row.status,
      statusLabel: statusLabel(spec.kind, row.status),
      open: open || pausedAt !== null,
      filedAt: instant(row.filedAt),
      closedAt: row.closedAt ? instant(row.closedAt) : null,
      holder: row.assignedOfficerId ? { id: row.assignedOfficerId, name: row.holderName ?? '' } : null,
      // As the SLA scheduler runs them (slaCasesOf): while open, and until their step is done.
      clocks: clocksOf(row).map((k) =>
        clockOf(
          k,
          open && (k.clock === 'resolve' || k.stoppedAt === null) ? 'running' : pausedAt ? 'paused' : 'stopped',
          pausedAt,
        ),
      ),
      timeline: events.map((e): CaseTimelineEntry => ({
        ...e,
        at: instant(new Date(e.at)),
        fromStatusLabel: e.fromStatus ? statusLabel(spec.kind, e.fromStatus) : null,
        toStatusLabel: statusLabel(spec.kind, e.toStatus),
      })),
      description: row.description,
      place: row.place,
      latitude: row.latitude,
      longitude: row.longitude,
      photos: (JSON.parse(row.photos) as string[]).map((sha256) => casePhotoPath(row.trackingNumber, sha256)),
    };
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
