import path from 'node:path';
import compression from 'compression';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Lang } from '../../core/conversation/types.js';
import { localDate } from '../../core/domain/calendarDate.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import type { ChangeFeed } from './ChangeFeed.js';
import { BOUNDARY_PATH, tileOrigin } from './boardMap.js';
import { computeBoardStats } from './computeBoardStats.js';
import { caseFiltersOf, cityCaseNames, decodeCursor, listCases, pageSize } from './caseList.js';
import { casesCsv, casesXlsx, exportCases, recordExport } from './exportCases.js';
import { openApiDocument } from './openApiDocument.js';
import { BYE_RETRY_MS, openStreamsOf, StreamBudget, type StreamLimits, type StreamViewer } from './StreamBudget.js';
import { tvWallAllowed } from './tvWallToken.js';
import { departmentsOf, viewerScope } from './viewerScope.js';

/** The board's static files: plain HTML, CSS and JavaScript, no build step. */
export const WEB_DIR = path.join(PROJECT_ROOT, 'web');

const HEARTBEAT_MS = 25_000;
/** Seconds a refused stream is told to wait; the board's own backoff adds jitter on top. */
const RETRY_AFTER_SECONDS = { own_limit: 10, wall_full: 30 } as const;

export interface BoardOptions {
  officerOf: (req: Request) => Promise<Officer | null>;
  feed: ChangeFeed;
  /** Unset: the TV wall is open (it shows no personal data). */
  tvWallToken: string | undefined;
  /** How many event streams each viewer may hold (see StreamBudget). */
  streams: StreamLimits;
  /** The most rows one export holds (EXPORT_MAX_ROWS). */
  exportMaxRows: number;
}

// Scripts, styles and data only from this server; no framing; no referrer (the TV token is in the URL).
// Images also from `tileOrigin`, the host of the city's map tiles when it configures them.
export const securityHeadersWith =
  (tileOrigin: string | null): RequestHandler =>
  (_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:${tileOrigin ? ` ${tileOrigin}` : ''}; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  };
export const securityHeaders = securityHeadersWith(null);

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * The board's pages and the JSON behind them: `/board` for signed-in officers, `/api/cases` (and
 * each complaint's photos), `/api/stats`, `/api/events` (server-sent events, the TV wall's too)
 * and `/api/openapi.json`. The TV wall's page and data are tvRoutes'.
 */
export function boardRoutes(core: Core, options: BoardOptions): Router {
  const router = express.Router();
  const prisma = core.db.prisma;
  const streams = new StreamBudget(options.streams);

  const tvAllowed = (req: Request) => tvWallAllowed(req, options.tvWallToken);
  const langOf = (req: Request): Lang =>
    req.query.lang === 'en' || req.query.lang === 'id' ? req.query.lang : core.defaultLanguage;
  const notSignedIn = (res: Response) => res.status(401).json({ error: 'not_signed_in', message: 'Silakan masuk.' });
  // The board draws its times in the city's zone, whatever the zone of the screen showing it.
  const zone = { timeZone: core.city.timezone, label: core.city.timezoneLabel };
  const cityTime = { timeZone: zone.timeZone, timeZoneLabel: zone.label };
  // PostgreSQL's text cannot hold a NUL: one in a parameter would fail the query (a 500), so it goes.
  const query = (req: Request, name: string) =>
    typeof req.query[name] === 'string' ? req.query[name].replace(/\0/g, '') : undefined;

  router.use(['/board', '/api'], securityHeadersWith(tileOrigin(core.city)));
  router.use('/api', noStore);
  // gzip/br for the pages and JSON; never for the event stream, whose events must not wait in a buffer.
  router.use(
    ['/board', '/api'],
    compression({ filter: (req, res) => !req.originalUrl.startsWith('/api/events') && compression.filter(req, res) }),
  );

  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  const names = cityCaseNames(core.city);
  /** The list's filters from the query, in the officer's scope, and the cursor (false: unreadable). */
  const listQueryOf = (req: Request, officer: Officer) => {
    const { sort, ...filters } = caseFiltersOf(req.query);
    const raw = query(req, 'cursor');
    const cursor = raw ? decodeCursor(raw, sort) : null;
    return {
      cursor: raw && !cursor ? (false as const) : cursor,
      query: {
        ...filters,
        sort,
        departments: departmentsOf(viewerScope(officer), query(req, 'department')),
        now: core.clock(),
        lang: langOf(req),
        translator: core.translator,
        names,
        zone,
      },
    };
  };

  router.get('/api/cases', async (req, res) => {
    const officer = await options.officerOf(req);
    if (!officer) return void notSignedIn(res);
    const { cursor, query: q } = listQueryOf(req, officer);
    if (cursor === false) {
      res.status(400).json({ error: 'bad_cursor', message: core.translator.t(q.lang, { key: 'caseList.badCursor' }) });
      return;
    }
    res.json(await listCases(prisma, { ...q, cursor, limit: pageSize(req.query.limit) }));
  });

  router.get('/api/cases/export', async (req, res) => {
    const officer = await options.officerOf(req);
    if (!officer) return void notSignedIn(res);
    const { query: q } = listQueryOf(req, officer);
    const exported = await exportCases(prisma, q, options.exportMaxRows);
    await recordExport(prisma, officer.id, q.now, exported.cases);
    const words = { lang: q.lang, translator: core.translator, zone };
    const date = localDate(q.now, zone.timeZone);
    const name = `${core.translator.t(q.lang, { key: 'caseList.fileName' })}-${date}`;
    // Exports are capped: the headers say how many rows the filters left and how many are in the file.
    res.setHeader('X-Total-Count', String(exported.total));
    res.setHeader('X-Export-Rows', String(exported.cases.length));
    res.setHeader('X-Export-Truncated', String(exported.total > exported.cases.length));
    if (req.query.format === 'xlsx') {
      const sheet = core.translator.t(q.lang, { key: 'caseList.sheet' });
      const body = await casesXlsx(exported, words, sheet);
      res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(body);
      return;
    }
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.type('text/csv; charset=utf-8').send(casesCsv(exported, words));
  });

  router.get('/api/cases/:trackingNumber/photos/:sha256', async (req, res) => {
    const officer = await options.officerOf(req);
    if (!officer) return void notSignedIn(res);
    const { trackingNumber, sha256 } = req.params;
    const departments = departmentsOf(viewerScope(officer));
    const photo = /^[0-9a-f]{64}$/.test(sha256)
      ? await prisma.complaintAttachment.findFirst({
          where: {
            sha256,
            complaint: { trackingNumber, ...(departments ? { departmentCode: { in: departments } } : {}) },
          },
          include: { file: true },
        })
      : null;
    // The same answer for a photo that is not there and one on a case the officer does not see.
    if (!photo) return void res.status(404).json({ error: 'not_found', message: 'Foto tidak ditemukan.' });
    res.type(photo.file.mimeType).sendFile(path.resolve(photo.file.path));
  });

  router.get('/api/stats', async (req, res) => {
    const officer = await options.officerOf(req);
    if (!officer) return void notSignedIn(res);
    const now = core.clock();
    const lang = langOf(req);
    const departments = departmentsOf(viewerScope(officer));
    const stats = await computeBoardStats(prisma, core.city, { departments, now, lang });
    res.json({ now: now.toISOString(), city: core.city.name, ...cityTime, ...stats });
  });

  // The outline and districts, read and checked at start; the board fetches them once per page.
  router.get(BOUNDARY_PATH, async (req, res) => {
    if (!(await options.officerOf(req))) return void notSignedIn(res);
    const boundary = core.city.mapBoundary;
    if (!boundary)
      return void res.status(404).json({ error: 'not_found', message: 'Kota ini tidak punya batas wilayah.' });
    res.json({ source: boundary.source, outline: boundary.outline, districts: boundary.districts });
  });

  router.get('/api/events', async (req, res) => {
    // A stream asked with the TV wall's ?token= is the wall's, counted in the wall's budget even
    // when the browser is signed in; any other is the signed-in officer's own.
    let viewer: StreamViewer;
    // The departments whose changes this viewer is told of; null: all (the wall, the Inspectorate, admins).
    let watched: ReadonlySet<string> | null = null;
    if (req.query.token !== undefined && tvAllowed(req)) {
      viewer = { kind: 'tv', address: req.ip ?? req.socket.remoteAddress ?? '' };
    } else {
      const officer = await options.officerOf(req);
      if (!officer) return void notSignedIn(res);
      viewer = { kind: 'officer', officerId: officer.id };
      const departments = departmentsOf(viewerScope(officer));
      watched = departments ? new Set(departments) : null;
    }
    const taken = streams.take(viewer);
    if ('refused' in taken) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS[taken.refused]));
      if (taken.refused === 'own_limit')
        res.status(429).json({ error: 'too_many_streams', message: 'Terlalu banyak layar terbuka dari Anda.' });
      else res.status(503).json({ error: 'busy', message: 'Terlalu banyak layar terbuka.' });
      return;
    }
    // A viewer gone while their sign-in was looked up would otherwise keep the slot for good.
    if (req.socket.destroyed) return void taken.release();
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      // nginx and friends would otherwise hold events back.
      'X-Accel-Buffering': 'no',
    });
    const send = (event: string, data: object) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 3000\n\n');
    // A change in another department is not this board's: no redraw, and nothing said about it.
    const unsubscribe = options.feed.subscribe(({ version, departments }) => {
      const seen = watched ? departments.filter((code) => watched.has(code)) : departments;
      if (seen.length > 0) send('change', { version, departments: seen });
    });
    send('hello', { version: options.feed.version });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    // On shutdown the stream is told to reconnect (to the next process) and ended.
    const forget = openStreamsOf(req.app).add(() =>
      res.end(`event: bye\nretry: ${BYE_RETRY_MS}\ndata: {"reconnect":true}\n\n`),
    );
    req.on('close', () => {
      taken.release();
      clearInterval(heartbeat);
      unsubscribe();
      forget();
    });
  });

  router.get('/board', (_req, res) => res.sendFile(path.join(WEB_DIR, 'board.html')));
  router.use('/board/assets', express.static(WEB_DIR, { index: false, maxAge: '5m' }));
  return router;
}
