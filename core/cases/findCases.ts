import type { CityData } from '../city/loadCityData.js';
import type { CaseSummary, CaseView } from '../conversation/types.js';
import { statement, type SqlSession } from '../db/statements.js';
import type { ComplaintStatus, Prisma } from '../generated/prisma/client.js';
import { complaintClocks, type ComplaintClockFields } from '../sla/caseClocks.js';
import { COMPLAINT_OPEN_STATUSES } from './complaintLifecycle.js';

type Tx = Prisma.TransactionClient;

/** A case's events as a JSON array of { at, status, note }, oldest first (text, for JSON.parse). */
const timeline = (eventTable: string, caseColumn: string, caseId: string) => `COALESCE((
       SELECT json_agg(json_build_object(
           'at', to_char(e."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'status', e."toStatus", 'note', e.note) ORDER BY e.id)
       FROM ${eventTable} e WHERE e.${caseColumn} = ${caseId}), '[]'::json)::text AS events`;

const PERMIT_VIEW = statement(
  'cases_permit_view',
  `SELECT p."trackingNumber", p."citizenId"::text AS "citizenId", p.status::text AS status, p."submittedAt",
     p."deadlineAt", p."closedAt", t."nameId", t."nameEn", d.name AS department, o.name AS officer,
     ${timeline('"PermitEvent"', '"applicationId"', 'p.id')}
   FROM "PermitApplication" p
   JOIN "PermitType" t ON t.code = p."permitTypeCode"
   JOIN "Department" d ON d.code = p."departmentCode"
   LEFT JOIN "Officer" o ON o.id = p."assignedOfficerId"
   WHERE p."trackingNumber" = $1`,
);

const COMPLAINT_VIEW = statement(
  'cases_complaint_view',
  `SELECT c."trackingNumber", c."citizenId"::text AS "citizenId", c.status::text AS status, c.rating,
     c."createdAt", c."deadlineAt", c."closedAt", c."verifyDeadlineAt", c."verifiedAt",
     c."firstResponseDeadlineAt", c."firstRespondedAt", k."nameId", k."nameEn", d.name AS department,
     o.name AS officer,
     ${timeline('"ComplaintEvent"', '"complaintId"', 'c.id')}
   FROM "Complaint" c
   JOIN "ComplaintCategory" k ON k.code = c."categoryCode"
   JOIN "Department" d ON d.code = c."departmentCode"
   LEFT JOIN "Officer" o ON o.id = c."assignedOfficerId"
   WHERE c."trackingNumber" = $1`,
);

/**
 * A case by tracking number (with or without its kind letter) as its owner or a stranger may
 * see it: a stranger gets the kind, title and status, never who filed it or the timeline.
 */
export async function findCaseView(
  tx: Tx,
  sql: SqlSession,
  city: Pick<CityData, 'privacy'>,
  trackingNumber: string,
  viewerCitizenId: string,
): Promise<CaseView | null> {
  // Only a whole, well-formed number finds a case: never a guessable ending.
  const m = /^([PA]?)(\d{8})$/.exec(trackingNumber);
  if (!m) return null;
  if (m[1] !== 'P') {
    const complaint = await findComplaintView(sql, city, `A${m[2]}`, viewerCitizenId);
    if (complaint || m[1] === 'A') return complaint;
  }
  // The application with its type's and department's names, its officer and its events, in one statement.
  const [permit] = await sql.query<{
    trackingNumber: string;
    citizenId: string;
    status: string;
    submittedAt: Date;
    deadlineAt: Date;
    closedAt: Date | null;
    nameId: string;
    nameEn: string;
    department: string;
    officer: string | null;
    events: string;
  }>(PERMIT_VIEW, [`P${m[2]}`]);
  if (!permit) return null;
  const base: CaseView = {
    kind: 'permit',
    trackingNumber: permit.trackingNumber,
    title: { id: permit.nameId, en: permit.nameEn },
    status: permit.status,
    isOwner: permit.citizenId === viewerCitizenId,
  };
  if (!base.isOwner) return base;
  return {
    ...base,
    details: {
      department: permit.department,
      officer: city.privacy.showOfficerName ? permit.officer : null,
      submittedAt: permit.submittedAt.toISOString(),
      deadlineAt: permit.deadlineAt.toISOString(),
      closedAt: permit.closedAt?.toISOString() ?? null,
      paused: permit.status === 'needs_revision',
      events: JSON.parse(permit.events) as Array<{ at: string; status: string; note: string | null }>,
    },
  };
}

async function findComplaintView(
  sql: SqlSession,
  city: Pick<CityData, 'privacy'>,
  trackingNumber: string,
  viewerCitizenId: string,
): Promise<CaseView | null> {
  const [complaint] = await sql.query<
    ComplaintClockFields & {
      trackingNumber: string;
      citizenId: string;
      status: ComplaintStatus;
      rating: number | null;
      nameId: string;
      nameEn: string;
      department: string;
      officer: string | null;
      events: string;
    }
  >(COMPLAINT_VIEW, [trackingNumber]);
  if (!complaint) return null;
  const base: CaseView = {
    kind: 'complaint',
    trackingNumber: complaint.trackingNumber,
    title: { id: complaint.nameId, en: complaint.nameEn },
    status: complaint.status,
    isOwner: complaint.citizenId === viewerCitizenId,
  };
  if (!base.isOwner) return base;
  const actions: CaseView['actions'] = [];
  if (COMPLAINT_OPEN_STATUSES.includes(complaint.status)) actions.push('addInfo');
  if (complaint.status === 'done' && complaint.rating === null) actions.push('rate');
  return {
    ...base,
    actions,
    details: {
      department: complaint.department,
      officer: city.privacy.showOfficerName ? complaint.officer : null,
      submittedAt: complaint.createdAt.toISOString(),
      deadlineAt: complaint.deadlineAt.toISOString(),
      closedAt: complaint.closedAt?.toISOString() ?? null,
      paused: false,
      clocks: complaintClocks(complaint).flatMap((k) =>
        k.clock === 'resolve'
          ? []
          : [{ clock: k.clock, deadlineAt: k.deadlineAt.toISOString(), doneAt: k.stoppedAt?.toISOString() ?? null }],
      ),
      events: JSON.parse(complaint.events) as Array<{ at: string; status: string; note: string | null }>,
    },
  };
}

/** A citizen's latest cases, newest first. */
export async function listCitizenCases(tx: Tx, citizenId: string, limit = 5): Promise<CaseSummary[]> {
  const permits = await tx.permitApplication.findMany({
    where: { citizenId },
    orderBy: { submittedAt: 'desc' },
    take: limit,
    include: { permitType: true },
  });
  const complaints = await tx.complaint.findMany({
    where: { citizenId },
    orderBy: { createdAt: 'desc' },
    take: limit,
    include: { category: true },
  });
  return [
    ...permits.map((p) => ({
      kind: 'permit' as const,
      at: p.submittedAt,
      trackingNumber: p.trackingNumber,
      title: { id: p.permitType.nameId, en: p.permitType.nameEn },
      status: p.status as string,
    })),
    ...complaints.map((c) => ({
      kind: 'complaint' as const,
      at: c.createdAt,
      trackingNumber: c.trackingNumber,
      title: { id: c.category.nameId, en: c.category.nameEn },
      status: c.status as string,
    })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, limit)
    .map(({ at: _at, ...summary }) => summary);
}
