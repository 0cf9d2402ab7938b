import type { CityData } from '../../core/city/loadCityData.js';
import { seededRandom } from '../../bench/seededRandom.js';
import type { Prisma, PrismaClient } from '../../core/generated/prisma/client.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHUNK = 500;

export interface SeedOptions {
  /** How many open cases (about a third permits), besides `closed` closed ones. */
  open: number;
  closed?: number;
  now: Date;
  /** Makes the same cases for the same seed. */
  seed?: number;
  /** Tracking numbers start with this (so two seeds in one database do not collide). */
  prefix?: string;
}

/**
 * Many open permits and complaints in every state a board shows, written in bulk (createMany),
 * for tests and benches of the board's figures at a real city's size: deadlines from 12 days
 * overdue to 20 days ahead, paused permits, complaints with any of LAPOR's three clocks running
 * or stopped, clocks on the exact edges (due now; a quarter of the span left), and closed cases
 * that no open figure may count. No personal data of anyone real.
 */
export async function seedOpenCases(prisma: PrismaClient, city: CityData, options: SeedOptions): Promise<void> {
  const next = seededRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const prefix = options.prefix ?? 'S';
  const now = options.now.getTime();
  const at = (ms: number) => new Date(now + Math.round(ms));
  const citizen = await prisma.citizen.create({ data: { fullName: 'Warga Uji Beban' } });
  const permitTypes = city.permitTypes.filter((p) => p.online);
  const categories = city.complaintCategories;

  const permits: Prisma.PermitApplicationCreateManyInput[] = [];
  const complaints: Prisma.ComplaintCreateManyInput[] = [];
  const total = options.open + (options.closed ?? 0);
  for (let i = 0; i < total; i++) {
    const closed = i >= options.open;
    const trackingNumber = `${prefix}${String(i).padStart(8, '0')}`;
    const filed = at(-next() * 25 * DAY - HOUR);
    // Every 97th case sits on an edge: due exactly now, or exactly a quarter of its span left.
    const edge = i % 97;
    let deadline = at(-12 * DAY + next() * 32 * DAY);
    if (edge === 1) deadline = at(0);
    if (edge === 2) deadline = at((now - filed.getTime()) / 3);
    if (deadline.getTime() <= filed.getTime()) deadline = new Date(filed.getTime() + HOUR + next() * DAY);
    if (i % 3 === 0) {
      const type = pick(permitTypes);
      const status = closed
        ? pick(['done', 'rejected'] as const)
        : pick(['submitted', 'verified', 'in_process', 'needs_revision'] as const);
      permits.push({
        trackingNumber,
        citizenId: citizen.id,
        permitTypeCode: type.code,
        departmentCode: type.department,
        status,
        applicantName: 'Pemohon Uji',
        nik: '3171010101900001',
        phone: '6281200000000',
        submittedAt: filed,
        deadlineAt: deadline,
        slaPausedAt: status === 'needs_revision' && next() < 0.7 ? at(-next() * 3 * DAY) : null,
        closedAt: closed ? at(-next() * DAY) : null,
      });
    } else {
      const category = pick(categories);
      const status = closed
        ? pick(['done', 'rejected', 'not_authority'] as const)
        : pick(['waiting', 'verified', 'dispositioned', 'in_process'] as const);
      // Some complaints predate the LAPOR clocks (none set); some have them due before the
      // resolution, some after, some equal to it (a tie the earlier step wins).
      const withClocks = next() < 0.85;
      const verifyDeadline = withClocks ? (edge === 3 ? deadline : at(-5 * DAY + next() * 10 * DAY)) : null;
      const firstDeadline = withClocks ? (edge === 4 ? verifyDeadline : at(-4 * DAY + next() * 12 * DAY)) : null;
      complaints.push({
        trackingNumber,
        citizenId: citizen.id,
        categoryCode: category.code,
        departmentCode: category.department,
        status,
        description: `Pengaduan uji ${i}: lampu jalan mati di gang ${i % 40}`,
        locationText: `Gang ${i % 40}`,
        latitude: next() < 0.5 ? 3.58 + next() * 0.05 : null,
        longitude: next() < 0.5 ? 98.66 + next() * 0.05 : null,
        createdAt: filed,
        deadlineAt: deadline,
        verifyDeadlineAt: verifyDeadline,
        verifiedAt: status !== 'waiting' && verifyDeadline ? at(-next() * DAY) : null,
        firstResponseDeadlineAt: firstDeadline,
        firstRespondedAt: firstDeadline && next() < 0.4 ? at(-next() * DAY) : null,
        closedAt: closed ? at(-next() * DAY) : null,
      });
    }
  }
  for (let i = 0; i < permits.length; i += CHUNK)
    await prisma.permitApplication.createMany({ data: permits.slice(i, i + CHUNK) });
  for (let i = 0; i < complaints.length; i += CHUNK)
    await prisma.complaint.createMany({ data: complaints.slice(i, i + CHUNK) });
}
