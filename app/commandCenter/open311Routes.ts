import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import { COMPLAINT_OPEN_STATUSES } from '../../core/cases/complaintLifecycle.js';
import { submitComplaint } from '../../core/cases/complaintService.js';
import { normalizePhone } from '../../core/domain/phone.js';
import { storableText } from '../../core/domain/storableText.js';
import type { Prisma } from '../../core/generated/prisma/client.js';
import { notifyDepartment } from '../../core/officers/handleOfficerMessage.js';
import type { Runtime } from '../createRuntime.js';
import { open311Code, open311Date } from './open311Query.js';

const DEFAULT_DAYS = 90;
const MAX_RESULTS = 1000;
/** Longer than any field Open311 allows here (a description is at most 4,000): cut before checking. */
const MAX_FIELD_CHARS = 8000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Fields = Record<string, unknown>;

/** Open311's error answer: a list of `{code, description}`. */
function fail(res: Response, code: number, description: string): void {
  res.status(code).json([{ code, description }]);
}

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

/** A published coordinate, rounded to the city's `decimals` (the stored one stays exact). */
function published(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function coordinate(value: unknown, limit: number): number | null | 'invalid' {
  const raw = text(value);
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : 'invalid';
}

/**
 * Open311 GeoReport v2 for complaints (pengaduan), under /open311/v2: the categories as
 * services, the complaints as requests (without the reporter's personal data, without the
 * free-text description and place, which citizens often fill with it, and with coordinates at the
 * city's `open311.coordinateDecimals`), and filing a complaint with an API key from
 * OPEN311_API_KEYS.
 */
export function open311Routes(core: Core, runtime: Runtime, apiKeys: readonly string[]): Router {
  const router = express.Router();
  const prisma = core.db.prisma;
  const { city } = core;
  const departmentName = (code: string) => city.departments.find((d) => d.code === code)?.name ?? code;

  router.get('/services.json', (_req, res) => {
    res.json(
      city.complaintCategories.map((c) => ({
        service_code: c.code,
        service_name: c.name.id,
        description: `${c.name.id} (${c.name.en}). Batas waktu ${c.slaWorkingDays} hari kerja.`,
        metadata: false,
        type: 'realtime',
        keywords: [c.code, c.name.id, c.name.en].join(', '),
        group: departmentName(c.department),
      })),
    );
  });

  const toRequest = (c: Prisma.ComplaintGetPayload<{ include: { category: true } }>) => ({
    service_request_id: c.trackingNumber,
    status: COMPLAINT_OPEN_STATUSES.includes(c.status) ? 'open' : 'closed',
    service_code: c.categoryCode,
    service_name: c.category.nameId,
    agency_responsible: departmentName(c.departmentCode),
    requested_datetime: c.createdAt.toISOString(),
    updated_datetime: c.updatedAt.toISOString(),
    expected_datetime: c.deadlineAt.toISOString(),
    lat: published(c.latitude, city.open311.coordinateDecimals),
    long: published(c.longitude, city.open311.coordinateDecimals),
  });

  router.get('/requests.json', async (req, res) => {
    const q = req.query;
    const where: Prisma.ComplaintWhereInput = {};
    const ids = param(q.service_request_id);
    if (ids) where.trackingNumber = { in: ids.split(',').flatMap((s) => open311Code(s)?.toUpperCase() ?? []) };
    const serviceCode = param(q.service_code);
    if (serviceCode && !open311Code(serviceCode)) return fail(res, 400, 'service_code is not valid');
    if (serviceCode) where.categoryCode = serviceCode;
    const status = param(q.status);
    if (status === 'open') where.status = { in: [...COMPLAINT_OPEN_STATUSES] };
    else if (status === 'closed') where.status = { notIn: [...COMPLAINT_OPEN_STATUSES] };
    else if (status !== undefined) return fail(res, 400, 'status must be open or closed');
    const dates: Record<'start_date' | 'end_date', Date | undefined> = { start_date: undefined, end_date: undefined };
    for (const name of ['start_date', 'end_date'] as const) {
      const raw = param(q[name]);
      if (raw === undefined) continue;
      const at = open311Date(raw);
      if (!at) return fail(res, 400, `${name} must be an ISO 8601 date and time`);
      dates[name] = at;
    }
    const start =
      dates.start_date ??
      (dates.end_date || ids ? undefined : new Date(core.clock().getTime() - DEFAULT_DAYS * 86_400_000));
    if (start || dates.end_date)
      where.createdAt = { ...(start ? { gte: start } : {}), ...(dates.end_date ? { lte: dates.end_date } : {}) };
    const rows = await prisma.complaint.findMany({
      where,
      include: { category: true },
      orderBy: { createdAt: 'desc' },
      take: MAX_RESULTS,
    });
    res.json(rows.map(toRequest));
  });

  router.get('/requests/:id.json', async (req, res) => {
    const id = open311Code(String(req.params.id));
    const row = id
      ? await prisma.complaint.findUnique({ where: { trackingNumber: id.toUpperCase() }, include: { category: true } })
      : null;
    if (!row) return fail(res, 404, id ? `no request ${id}` : 'no such request');
    res.json([toRequest(row)]);
  });

  router.post(
    '/requests.json',
    express.urlencoded({ extended: false, limit: '32kb' }),
    express.json({ limit: '32kb' }),
    async (req: Request, res: Response) => {
      const f = (req.body ?? {}) as Fields;
      if (!matchesAnyKey(f.api_key ?? req.query.api_key, apiKeys))
        return fail(res, 403, 'api_key is missing or not valid');
      const category = city.complaintCategories.find((c) => c.code === text(f.service_code));
      if (!category) return fail(res, 400, 'service_code is missing or not one of services.json');
      const description = text(f.description)?.replace(/\s+/g, ' ');
      if (!description || description.length < 10 || description.length > 4000) {
        return fail(res, 400, 'description is required, 10 to 4000 characters');
      }
      const lat = coordinate(f.lat, 90);
      const long = coordinate(f.long, 180);
      if (lat === 'invalid' || long === 'invalid' || (lat === null) !== (long === null)) {
        return fail(res, 400, 'lat and long must both be given as decimal degrees');
      }
      const rawAddress = text(f.address_string);
      const address = rawAddress ? storableText(rawAddress, 300) : null;
      if (lat === null && !address) return fail(res, 400, 'a location is required: lat and long, or address_string');
      const email = text(f.email);
      if (email && (!EMAIL.test(email) || email.length > 200)) return fail(res, 400, 'email is not valid');
      const rawPhone = text(f.phone);
      const phone = rawPhone ? normalizePhone(rawPhone) : null;
      if (rawPhone && !phone) return fail(res, 400, 'phone is not valid');
      const fullName = storableText([text(f.first_name), text(f.last_name)].filter(Boolean).join(' '), 200) || null;

      const now = core.clock();
      const filed = await prisma.$transaction(async (tx) => {
        // Anyone with a key can type any phone number: the request gets a citizen row of its own,
        // never one found by that number (whose contact data and chats stay theirs), and the
        // details given stay with the complaint.
        const citizen = await tx.citizen.create({ data: { language: core.config.defaultLanguage } });
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
      res.status(201).json([
        {
          service_request_id: filed.trackingNumber,
          service_notice: `Nomor pelacakan ${filed.trackingNumber}. Ditangani ${departmentName(filed.departmentCode)}, batas waktu ${filed.deadlineAt.toISOString()}.`,
          account_id: null,
        },
      ]);
    },
  );

  return router;
}
