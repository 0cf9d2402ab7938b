import type { CityData } from '../city/loadCityData.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import { deleteFiles, PERMIT_PSEUDONYM, roundedCoordinates } from './eraseCitizen.js';
import { recordPersonalData, type PersonalDataEventInput, type PersonalField } from './trail.js';

/** Rows changed per statement, so a first run over years of data never holds long locks. */
const BATCH = 1000;
const DAY_MS = 86_400_000;

/** What one run removed or pseudonymised: the RetentionRun row's report. */
export interface RetentionReport {
  /** Conversations whose drafts were dropped (state reset, language kept). */
  drafts: number;
  /** Inbound message ids forgotten. */
  messageIds: number;
  /** Sent or given-up replies and notices whose text and address were blanked. */
  replyBodies: number;
  /** Complaints whose photos were removed, and the files deleted from disk. */
  photos: number;
  files: number;
  /** Closed permits pseudonymised (name, NIK, phone, email, fields). */
  permits: number;
  /** Closed complaints whose coordinates were rounded. */
  coordinates: number;
}

type Touched = { trackingNumber: string; citizenId: string };

/**
 * Removes or pseudonymises personal data past its period (city.privacy.retention, UU PDP art. 43):
 * drafts, message ids, reply texts, closed cases' photos, NIK and exact coordinates. Every step
 * is a set-based statement in batches whose WHERE no longer matches what it changed, so a run is
 * safe to repeat and two processes at once change each row once (the second waits on the row
 * lock, re-reads it and skips it). Writes a RetentionRun row and trail events, one per case.
 */
export async function runRetention(
  db: PrismaClient,
  city: Pick<CityData, 'privacy'>,
  now: Date,
  logger?: Logger,
): Promise<RetentionReport> {
  const { retention, coordinateDecimals } = city.privacy;
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const trail: PersonalDataEventInput[] = [];
  const drafts = await inBatches(() => resetDrafts(db, before(retention.draftDays)));
  const messageIds = await inBatches(() => forgetMessageIds(db, before(retention.messageIdDays)));
  const replyBodies = await inBatches(() => blankReplies(db, before(retention.replyBodyDays)));
  const photos = await removeClosedPhotos(db, before(retention.photoDaysAfterClose));
  const permits = await pseudonymiseClosedPermits(db, before(retention.nikDaysAfterClose), now);
  const coordinates = await roundClosedCoordinates(db, before(retention.coordinatesDaysAfterClose), coordinateDecimals);
  trail.push(...caseEvents(photos.cases, 'complaint', ['photos'], now));
  trail.push(...caseEvents(permits, 'permit', ['name', 'nik', 'phone', 'email', 'fields'], now));
  trail.push(...caseEvents(coordinates, 'complaint', ['location'], now));
  const report: RetentionReport = {
    drafts,
    messageIds,
    replyBodies,
    photos: photos.cases.length,
    files: photos.files,
    permits: permits.length,
    coordinates: coordinates.length,
  };
  await db.$transaction(async (tx) => {
    await recordPersonalData(tx, trail);
    await tx.retentionRun.create({ data: { ranAt: now, report: { ...report } } });
  });
  logger?.info({ ...report }, 'retention run');
  return report;
}

/** Repeats a batch statement until it changes fewer rows than a batch; returns the total. */
async function inBatches(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = await batch();
    total += changed;
    if (changed < BATCH) return total;
  }
}

/**
 * Drafts idle past their period: a conversation not active since `cutoff` that still holds one
 * (a flow other than the menu, or parked drafts) starts afresh in its language. A draft is never
 * newer than its conversation's last activity; one parked longer ago in a conversation still in
 * use is dropped by the dialogue itself (parking.ts dropStaleParked) on the next message.
 */
async function resetDrafts(db: PrismaClient, cutoff: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE "Conversation" SET "state" = jsonb_build_object(
        'v', 1, 'lang', COALESCE("state"->'lang', '"id"'::jsonb), 'flow', '{"name":"menu"}'::jsonb,
        'options', '[]'::jsonb, 'lastActivityAt', NULL),
      "updatedAt" = now()
    WHERE "citizenId" IN (
      SELECT "citizenId" FROM "Conversation"
      WHERE "lastActivityAt" < ${cutoff}
        AND ("state"->'flow'->>'name' IS DISTINCT FROM 'menu' OR jsonb_typeof("state"->'parked') = 'object')
      LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`;
}

/** Inbound ids older than their period, unless the message still waits to be answered. */
async function forgetMessageIds(db: PrismaClient, cutoff: Date): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "ProcessedInbound" WHERE ("channel", "externalId") IN (
      SELECT "channel", "externalId" FROM "ProcessedInbound"
      WHERE "receivedAt" < ${cutoff} AND "heldAt" IS NULL
      LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`;
}

/**
 * Texts of settled messages (sent, failed, suppressed) past their period: replies emptied and
 * the address blanked. The row stays for the figures and for late delivery reports, which find it
 * through ProviderMessage, never through the address.
 */
async function blankReplies(db: PrismaClient, cutoff: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE "OutboxMessage" SET "replies" = '[]'::jsonb, "address" = ''
    WHERE "id" IN (
      SELECT "id" FROM "OutboxMessage"
      WHERE "status" IN ('sent', 'failed', 'suppressed') AND "createdAt" < ${cutoff}
        AND ("replies" <> '[]'::jsonb OR "address" <> '')
      LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`;
}

/** A complaint closed, and still closed, before `cutoff`. */
const closedComplaint = (cutoff: Date) =>
  Prisma.sql`c."closedAt" < ${cutoff} AND c."status" IN ('done', 'rejected', 'not_authority')`;

/**
 * Photos of complaints closed past their period: attachments removed, then the media rows and
 * files no other attachment names. Rows go in one transaction per batch, files after its commit.
 */
async function removeClosedPhotos(db: PrismaClient, cutoff: Date): Promise<{ cases: Touched[]; files: number }> {
  const cases: Touched[] = [];
  let files = 0;
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const removed = await tx.$queryRaw<Array<{ complaintId: string; sha256: string }>>`
        DELETE FROM "ComplaintAttachment" WHERE ("complaintId", "sha256") IN (
          SELECT a."complaintId", a."sha256" FROM "ComplaintAttachment" a JOIN "Complaint" c ON c."id" = a."complaintId"
          WHERE ${closedComplaint(cutoff)} LIMIT ${BATCH} FOR UPDATE OF a SKIP LOCKED)
        RETURNING "complaintId", "sha256"`;
      if (removed.length === 0) return { removed, touched: [], paths: [] };
      const hashes = [...new Set(removed.map((r) => r.sha256))];
      const orphans = await tx.$queryRaw<Array<{ path: string }>>`
        DELETE FROM "MediaFile" m WHERE m."sha256" IN (${Prisma.join(hashes)})
          AND NOT EXISTS (SELECT 1 FROM "ComplaintAttachment" a WHERE a."sha256" = m."sha256")
        RETURNING m."path"`;
      const ids = [...new Set(removed.map((r) => r.complaintId))];
      const touched = await tx.$queryRaw<Touched[]>`
        SELECT "trackingNumber", "citizenId"::text AS "citizenId" FROM "Complaint"
        WHERE "id" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})`;
      return { removed, touched, paths: orphans.map((o) => o.path) };
    });
    cases.push(...batch.touched);
    files += await deleteFiles(batch.paths);
    if (batch.removed.length < BATCH) return { cases, files };
  }
}

/** Permits closed past their period, pseudonymised as an erasure does. */
async function pseudonymiseClosedPermits(db: PrismaClient, cutoff: Date, now: Date): Promise<Touched[]> {
  return collect(
    () => db.$queryRaw<Touched[]>`
      UPDATE "PermitApplication" SET ${PERMIT_PSEUDONYM}, "pseudonymisedAt" = ${now}, "updatedAt" = ${now}
      WHERE "id" IN (
        SELECT "id" FROM "PermitApplication"
        WHERE "closedAt" < ${cutoff} AND "status" IN ('done', 'rejected') AND "pseudonymisedAt" IS NULL
        LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING "trackingNumber", "citizenId"::text AS "citizenId"`,
  );
}

/** Complaints closed past their period whose coordinates are still more exact than published ones. */
async function roundClosedCoordinates(db: PrismaClient, cutoff: Date, decimals: number): Promise<Touched[]> {
  return collect(
    () => db.$queryRaw<Touched[]>`
      UPDATE "Complaint" SET ${roundedCoordinates(decimals)}
      WHERE "id" IN (
        SELECT c."id" FROM "Complaint" c
        WHERE ${closedComplaint(cutoff)}
          AND (c."latitude" IS DISTINCT FROM ROUND(c."latitude"::numeric, ${decimals}::int)::float8
            OR c."longitude" IS DISTINCT FROM ROUND(c."longitude"::numeric, ${decimals}::int)::float8)
        LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING "trackingNumber", "citizenId"::text AS "citizenId"`,
  );
}

/** Runs a batch statement returning rows until a batch comes back short; returns every row. */
async function collect<T>(batch: () => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const changed = await batch();
    rows.push(...changed);
    if (changed.length < BATCH) return rows;
  }
}

function caseEvents(
  cases: Touched[],
  caseKind: 'permit' | 'complaint',
  fields: PersonalField[],
  now: Date,
): PersonalDataEventInput[] {
  return cases.map((c) => ({
    at: now,
    actor: { type: 'system', id: null },
    action: 'retention',
    via: 'job',
    citizenId: c.citizenId,
    caseKind,
    trackingNumber: c.trackingNumber,
    fields,
  }));
}
