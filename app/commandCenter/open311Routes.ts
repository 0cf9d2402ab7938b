import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import { submitComplaint } from '../../core/cases/complaintService.js';
import { normalizePhone } from '../../core/domain/phone.js';
import { storableText } from '../../core/domain/storableText.js';
import type { Prisma } from '../../core/generated/prisma/client.js';
import { notifyDepartment } from '../../core/officers/notifyDepartment.js';
import { publishedCoordinate } from '../../core/privacy/publishedCoordinate.js';
import type { Runtime } from '../createRuntime.js';
import { open311Format, sendOpen311, sendOpen311Error, type Open311Row } from './open311Answer.js';
import { open311Code, open311Date, open311List, open311Window } from './open311Query.js';

/** "first 1000 requests returned" (GeoReport v2, GET Service Requests, "Response Volume"). */
const MAX_RESULTS = 1000;
/** Longer than any field Open311 allows here (a description is at most 4,000): cut before checking. */
const MAX_FIELD_CHARS = 8000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Fields = Record<string, unknown>;

function matchesAnyKey(given: unknown, keys: readonly string[]): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const mine = digest(given);
  // Every key is compared, so the time taken does not tell which one nearly matched.
  return keys.map((k) => timingSafeEqual(mine, digest(k))).includes(true);
}

/** A query parameter as given (trimmed), or undefined when empty or not text: checked, never cleaned. */
const param = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : undefined;

/** A filed field as storable text (no NUL, no half character), or undefined when empty or not text. */
const text = (value: unknown): string | undefined => {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  return storableText(value, MAX_FIELD_CHARS).trim() || undefined;
};

function coordinate(value: unknown, limit: number): number | null | 'invalid' {
  const raw = text(value);
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : 'invalid';
}

/** A path part echoed in an error only when it is a plain code; anything else is not repeated back. */
const shown = (raw: unknown): string | null => (typeof raw === 'string' ? open311Code(raw) : null);

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for complaints, mounted at /open311
 * and served under /open311/v2, every resource as `.json` and `.xml`: the categories as services,
 * the complaints as requests (without the reporter's personal data, without the free-text
 * description and place, which citizens often fill with it, and with coordinates at the city's
 * `open311.coordinateDecimals`), and filing a complaint with an API key from OPEN311_API_KEYS.
 * Every error, an unknown path or format included, is the spec's error list in the format asked.
 */
export function open311Routes(core: Core, runtime: Runtime, apiKeys: readonly string[]): Router {
  const router = express.Router();
  const v2 = express.Router();
  const prisma = core.db.prisma;
  const { city } = core;
  const departmentName = (code: string) => city.departments.find((d) => d.code === code)?.name ?? code;

  v2.param('format', (req, res, next, format: unknown) => {
    const asked = String(format).toLowerCase();
    if (asked === 'json' || asked === 'xml') return next();
    const name = shown(format);
    sendOpen311Error(req, res, 404, `${name ? `format ${name}` : 'that format'} is not served here: use .json or .xml`);
  });

  /** Answers a known resource asked with a method it does not take: 400, as the spec asks of "any other error". */
  const only =
    (...methods: string[]) =>
    (req: Request, res: Response) => {
      res.setHeader('Allow', methods.join(', '));
      sendOpen311Error(req, res, 400, `${req.method} is not served here: use ${methods.join(' or ')}`);
    };

  const toService = (c: (typeof city.complaintCategories)[number]): Open311Row => ({
    service_code: c.code,
    service_name: c.name.id,
    description: `${c.name.id} (${c.name.en}). Batas waktu ${c.slaWorkingDays} hari kerja.`,
    // No category asks for fields beyond the spec's own: none has a service definition.
    metadata: false,
    type: 'realtime',
    keywords: [c.code, c.name.id, c.name.en].join(', '),
    group: departmentName(c.department),
  });

  v2.get('/services.:format', (req, res) => {
    sendOpen311(res, open311Format(req), 200, 'services', city.complaintCategories.map(toService));
  });
  v2.all('/services.:format', only('GET'));

  v2.get('/services/:code.:format', (req, res) => {
    const code = shown(req.params.code);
    const format = open311Format(req);
    if (!code || !city.complaintCategories.some((c) => c.code === code)) {
      return sendOpen311Error(
        req,
        res,
        404,
        `${code ? `no service ${code}` : 'no such service'}: see services.${format}`,
      );
    }
    // GeoReport v2: a service definition is "only necessary if the Service selected has metadata
    // set as true"; here every service has metadata false, so this one does not exist.
    sendOpen311Error(
      req,
      res,
      404,
      `service ${code} has no service definition: its metadata is false in services.${format}, so POST requests.${format} needs no attribute for it`,
    );
  });
  v2.all('/services/:code.:format', only('GET'));

  v2.get('/tokens/:token.:format', (req, res) => {
    const token = shown(req.params.token);
    const format = open311Format(req);
    sendOpen311Error(
      req,
      res,
      404,
      `${token ? `no token ${token}` : 'no such token'}: every service here is realtime, so POST requests.${format} answers with the service_request_id and issues no token`,
    );
  });
  v2.all('/tokens/:token.:format', only('GET'));

  const toRequest = (c: Prisma.ComplaintGetPayload<{ include: { category: true } }>): Open311Row => ({
    service_request_id: c.trackingNumber,
    status: COMPLAINT_OPEN_STATUSES.includes(c.status) ? 'open' : 'closed',
    service_name: c.category.nameId,
    service_code: c.categoryCode,
    agency_responsible: departmentName(c.departmentCode),
    requested_datetime: c.createdAt.toISOString(),
    updated_datetime: c.updatedAt.toISOString(),
    expected_datetime: c.deadlineAt.toISOString(),
    // The coarser of Open311's own precision and the city's privacy one (UU PDP).
    lat: publishedCoordinate(c.latitude, city, city.open311.coordinateDecimals),
    long: publishedCoordinate(c.longitude, city, city.open311.coordinateDecimals),
  });

  /** The filter of GET requests.{format} (GeoReport v2, GET Service Requests), or the 400 to answer. */
  const requestFilter = (q: Request['query']): Prisma.ComplaintWhereInput | string => {
    const ids = open311List(q.service_request_id);
    // "To call multiple Service Requests at once ... comma delimited. This overrides all other arguments."
    if (ids.length > 0) return { trackingNumber: { in: ids.flatMap((s) => open311Code(s)?.toUpperCase() ?? []) } };
    const where: Prisma.ComplaintWhereInput = {};
    const codes = open311List(q.service_code);
    if (codes.some((c) => !open311Code(c))) return 'service_code is not valid: codes of services, comma delimited';
    if (codes.length > 0) where.categoryCode = { in: codes };
    const statuses = new Set(open311List(q.status));
    if ([...statuses].some((s) => s !== 'open' && s !== 'closed'))
      return 'status must be open, closed, or both comma delimited';
    if (statuses.size === 1) {
      where.status = statuses.has('open')
        ? { in: [...COMPLAINT_OPEN_STATUSES] }
        : { notIn: [...COMPLAINT_OPEN_STATUSES] };
    }
    const dates: Record<'start_date' | 'end_date', Date | undefined> = { start_date: undefined, end_date: undefined };
    for (const name of ['start_date', 'end_date'] as const) {
      if (Array.isArray(q[name])) return `${name} may be given once`;
      const raw = param(q[name]);
      if (raw === undefined) continue;
      const at = open311Date(raw);
      if (!at) return `${name} must be an ISO 8601 date and time`;
      dates[name] = at;
    }
    const window = open311Window(dates.start_date, dates.end_date, core.clock());
    if (typeof window === 'string') return window;
    where.createdAt = window;
    return where;
  };

  v2.get('/requests.:format', async (req, res) => {
    const where = requestFilter(req.query);
    if (typeof where === 'string') return sendOpen311Error(req, res, 400, where);
    const rows = await prisma.complaint.findMany({
      where,
      include: { category: true },
      orderBy: { createdAt: 'desc' },
      take: MAX_RESULTS,
    });
    sendOpen311(res, open311Format(req), 200, 'service_requests', rows.map(toRequest));
  });

  v2.get('/requests/:id.:format', async (req, res) => {
    const id = shown(req.params.id);
    const row = id
      ? await prisma.complaint.findUnique({ where: { trackingNumber: id.toUpperCase() }, include: { category: true } })
      : null;
    if (!row) return sendOpen311Error(req, res, 404, id ? `no request ${id}` : 'no such request');
    sendOpen311(res, open311Format(req), 200, 'service_requests', [toRequest(row)]);
  });
  v2.all('/requests/:id.:format', only('GET'));

  v2.post(
    '/requests.:format',
    express.urlencoded({ extended: false, limit: '32kb' }),
    express.json({ limit: '32kb' }),
    async (req: Request, res: Response) => {
      const format = open311Format(req);
      const fail = (status: number, description: string) => sendOpen311Error(req, res, status, description);
      const f = (req.body ?? {}) as Fields;
      if (!matchesAnyKey(f.api_key ?? req.query.api_key, apiKeys)) return fail(403, 'api_key is missing or not valid');
      const serviceCode = text(f.service_code);
      if (!serviceCode) return fail(400, `service_code is missing: one of services.${format}`);
      const category = city.complaintCategories.find((c) => c.code === serviceCode);
      // GeoReport v2, POST Service Request: "404 - service_code ... was not found".
      if (!category) return fail(404, `service_code is not one of services.${format}`);
      const description = text(f.description)?.replace(/\s+/g, ' ');
      if (!description || description.length < 10 || description.length > 4000) {
        return fail(400, 'description is required, 10 to 4000 characters');
      }
      const lat = coordinate(f.lat, 90);
      const long = coordinate(f.long, 180);
      if (lat === 'invalid' || long === 'invalid' || (lat === null) !== (long === null)) {
        return fail(400, 'lat and long must both be given as decimal degrees');
      }
      const rawAddress = text(f.address_string);
      const address = rawAddress ? storableText(rawAddress, 300) : null;
      if (lat === null && !address) return fail(400, 'a location is required: lat and long, or address_string');
      const email = text(f.email);
      if (email && (!EMAIL.test(email) || email.length > 200)) return fail(400, 'email is not valid');
      const rawPhone = text(f.phone);
      const phone = rawPhone ? normalizePhone(rawPhone) : null;
      if (rawPhone && !phone) return fail(400, 'phone is not valid');
      const fullName = storableText([text(f.first_name), text(f.last_name)].filter(Boolean).join(' '), 200) || null;

      const now = core.clock();
      const filed = await prisma.$transaction(async (tx) => {
        // Anyone with a key can type any phone number: the request gets a citizen row of its own,
        // never one found by that number (whose contact data and chats stay theirs), and the
        // details given stay with the complaint.
        const citizen = await tx.citizen.create({ data: { language: core.defaultLanguage } });
        const complaint = await submitComplaint(
          tx,
          city,
          {
            citizenId: citizen.id,
            categoryCode: category.code,
            description,
            locationText: address,
            latitude: lat,
            longitude: long,
            // Nobody named: the department sees no reporter.
            anonymous: fullName === null,
            photos: [],
            reporter: { name: fullName, email: email ?? null, phone },
          },
          now,
        );
        // As for a complaint by chat: the department's officers hear of it at once.
        const notifications = await notifyDepartment(tx, complaint.departmentCode, {
          trackingNumber: complaint.trackingNumber,
          title: category.name.id,
        });
        return { ...complaint, notifications };
      });
      await runtime.dispatcher.dispatch(filed.notifications);
      await runtime.afterCaseChanges(filed.clocks, []);
      core.logger.info(
        { trackingNumber: filed.trackingNumber, category: category.code, via: 'open311' },
        'complaint filed',
      );
      sendOpen311(res, format, 201, 'service_requests', [
        {
          service_request_id: filed.trackingNumber,
          service_notice: `Nomor pelacakan ${filed.trackingNumber}. Ditangani ${departmentName(filed.departmentCode)}, batas waktu ${filed.deadlineAt.toISOString()}.`,
          account_id: null,
        },
      ]);
    },
  );
  v2.all('/requests.:format', only('GET', 'POST'));

  router.use('/v2', v2);
  // Anything else under /open311 (another path, version or extension) answers as the spec's errors do.
  router.use((req, res) => {
    sendOpen311Error(
      req,
      res,
      404,
      'no such resource: GeoReport v2 is served under /open311/v2 as services, services/{code}, requests, requests/{id} and tokens/{token}, each .json or .xml',
    );
  });
  return router;
}
