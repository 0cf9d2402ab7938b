import type { CityData } from '../city/loadCityData.js';
import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import { PERMIT_OPEN_STATUSES } from '../cases/permitLifecycle.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import type { Prisma } from '../generated/prisma/client.js';
import { complaintClocks, type CaseClock } from '../sla/caseClocks.js';

type Db = Pick<Prisma.TransactionClient, 'permitApplication' | 'complaint' | 'officer'>;

/** A case as an officer works it, permit or complaint alike. */
export interface OfficerCase {
  kind: 'permit' | 'complaint';
  id: string;
  trackingNumber: string;
  title: string;
  /** The title in each language, for staff texts in the reader's language. */
  titles: { id: string; en: string };
  status: string;
  open: boolean;
  departmentCode: string;
  citizenId: string;
  anonymous: boolean;
  deadlineAt: Date;
  submittedAt: Date;
  holderId: string | null;
  holderName: string | null;
  description: string | null;
  /** Bumped when the deadline moves; SLA timers of another version are stale. */
  deadlineVersion: number;
  /** Its clocks: a permit's one, a complaint's three (see caseClocks). */
  clocks: CaseClock[];
  /** An Open311 complaint's reporter, named on the complaint rather than on a citizen. */
  reporter: { name: string | null; phone: string | null } | null;
}

function fromPermit(
  city: CityData,
  p: Prisma.PermitApplicationGetPayload<{ include: { assignedOfficer: true } }>,
): OfficerCase {
  return {
    kind: 'permit',
    id: p.id,
    trackingNumber: p.trackingNumber,
    ...titled(city.permitTypes.find((t) => t.code === p.permitTypeCode)?.name, p.permitTypeCode),
    status: p.status,
    open: PERMIT_OPEN_STATUSES.includes(p.status),
    departmentCode: p.departmentCode,
    citizenId: p.citizenId,
    anonymous: false,
    deadlineAt: p.deadlineAt,
    submittedAt: p.submittedAt,
    holderId: p.assignedOfficerId,
    holderName: p.assignedOfficer?.name ?? null,
    description: null,
    deadlineVersion: p.deadlineVersion,
    clocks: [{ clock: 'resolve', startedAt: p.submittedAt, deadlineAt: p.deadlineAt, stoppedAt: p.closedAt }],
    reporter: null,
  };
}

function fromComplaint(
  city: CityData,
  c: Prisma.ComplaintGetPayload<{ include: { assignedOfficer: true } }>,
): OfficerCase {
  return {
    kind: 'complaint',
    id: c.id,
    trackingNumber: c.trackingNumber,
    ...titled(city.complaintCategories.find((k) => k.code === c.categoryCode)?.name, c.categoryCode),
    status: c.status,
    open: COMPLAINT_OPEN_STATUSES.includes(c.status),
    departmentCode: c.departmentCode,
    citizenId: c.citizenId,
    anonymous: c.anonymous,
    deadlineAt: c.deadlineAt,
    submittedAt: c.createdAt,
    holderId: c.assignedOfficerId,
    holderName: c.assignedOfficer?.name ?? null,
    description: c.description,
    deadlineVersion: c.deadlineVersion,
    clocks: complaintClocks(c),
    reporter: c.reporterName || c.reporterPhone ? { name: c.reporterName, phone: c.reporterPhone } : null,
  };
}

/** A case by its tracking number (letter optional), or null. */
export async function findOfficerCase(db: Db, city: CityData, typed: string): Promise<OfficerCase | null> {
  const parsed = parseTrackingNumber(typed);
  if (!parsed.ok) return null;
  const digits = parsed.trackingNumber.replace(/^[PA]/, '');
  if (parsed.kind !== 'complaint') {
    const p = await db.permitApplication.findUnique({
      where: { trackingNumber: `P${digits}` },
      include: { assignedOfficer: true },
    });
    if (p) return fromPermit(city, p);
  }
  if (parsed.kind !== 'permit') {
    const c = await db.complaint.findUnique({
      where: { trackingNumber: `A${digits}` },
      include: { assignedOfficer: true },
    });
    if (c) return fromComplaint(city, c);
  }
  return null;
}

/** A case by its id, or null. */
export async function findCaseById(
  db: Db,
  city: CityData,
  kind: 'permit' | 'complaint',
  id: string,
): Promise<OfficerCase | null> {
  if (kind === 'permit') {
    const p = await db.permitApplication.findUnique({ where: { id }, include: { assignedOfficer: true } });
    return p ? fromPermit(city, p) : null;
  }
  const c = await db.complaint.findUnique({ where: { id }, include: { assignedOfficer: true } });
  return c ? fromComplaint(city, c) : null;
}

/** Open cases of some departments (all when null), the nearest deadline first. */
export async function openCases(
  db: Db,
  city: CityData,
  departments: string[] | null,
  limit: number,
): Promise<OfficerCase[]> {
  const department = departments ? { departmentCode: { in: departments } } : {};
  const permits = await db.permitApplication.findMany({
    where: { status: { in: [...PERMIT_OPEN_STATUSES] }, ...department },
    include: { assignedOfficer: true },
    orderBy: { deadlineAt: 'asc' },
    take: limit,
  });
  const complaints = await db.complaint.findMany({
    where: { status: { in: [...COMPLAINT_OPEN_STATUSES] }, ...department },
    include: { assignedOfficer: true },
    orderBy: { deadlineAt: 'asc' },
    take: limit,
  });
  return [...permits.map((p) => fromPermit(city, p)), ...complaints.map((c) => fromComplaint(city, c))]
    .sort((a, b) => a.deadlineAt.getTime() - b.deadlineAt.getTime())
    .slice(0, limit);
}

/** Cases matching the last digits of the citizen's phone, or words of a description or applicant name. */
export async function searchCases(
  db: Db & Pick<Prisma.TransactionClient, 'citizen'>,
  city: CityData,
  departments: string[] | null,
  query: string,
  limit: number,
): Promise<OfficerCase[]> {
  const department = departments ? { departmentCode: { in: departments } } : {};
  const digits = query.replace(/\D/g, '');
  const byPhone = /^\d{4,}$/.test(query.replace(/[\s-]/g, ''));
  const citizens = byPhone
    ? await db.citizen.findMany({ where: { phone: { endsWith: digits } }, select: { id: true }, take: 50 })
    : [];
  const citizenIds = citizens.map((c) => c.id);
  const permits = await db.permitApplication.findMany({
    where: byPhone
      ? { citizenId: { in: citizenIds }, ...department }
      : { ...department, applicantName: { contains: query, mode: 'insensitive' } },
    include: { assignedOfficer: true },
    orderBy: { submittedAt: 'desc' },
    take: limit,
  });
  const complaints = await db.complaint.findMany({
    where: byPhone
      ? { citizenId: { in: citizenIds }, anonymous: false, ...department }
      : { ...department, description: { contains: query, mode: 'insensitive' } },
    include: { assignedOfficer: true },
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
  return [...permits.map((p) => fromPermit(city, p)), ...complaints.map((c) => fromComplaint(city, c))].slice(0, limit);
}

/** A case's title (Indonesian, the staff's default) and its names in both languages; the code when unknown. */
function titled(name: { id: string; en: string } | undefined, code: string) {
  const titles = name ?? { id: code, en: code };
  return { title: titles.id, titles };
}
