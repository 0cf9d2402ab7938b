import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { laporDeadlines } from '../sla/caseClocks.js';
import { fillComplaintClocks } from '../sla/fillComplaintClocks.js';
import { DEFAULT_MIGRATIONS_DIR, migrate } from './migrate.js';

// The migration of SP4N-LAPOR's clocks on complaints filed before it: the stopped clocks are read
// from each complaint's trail; the working-day deadlines of the open ones come from the city's
// data at the reconciler's start (fillComplaintClocks).

const MIGRATION = '20261207160000_complaint_lapor_clocks';
const at = (hours: number) => new Date(Date.parse('2026-11-23T02:00:00.000Z') + hours * 3_600_000);
const CITIZEN = '00000000-0000-4000-8000-000000000001';
const id = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;

type Event = {
  from: string | null;
  to: string;
  actor: 'citizen' | 'officer' | 'system';
  note: string | null;
  hours: number;
};

/** Complaints as they were before the migration, each with its trail and what it must get. */
const complaints: Array<{
  label: string;
  status: string;
  events: Event[];
  verifiedAt: number | null;
  firstRespondedAt: number | null;
  closedAt?: number;
}> = [
  { label: 'waiting', status: 'waiting', events: [], verifiedAt: null, firstRespondedAt: null },
  {
    label: 'claimed and answered by /balas while waiting',
    status: 'waiting',
    events: [
      { from: 'waiting', to: 'waiting', actor: 'officer', note: 'Diambil oleh Rina', hours: 1 },
      { from: 'waiting', to: 'waiting', actor: 'officer', note: 'Balasan petugas: Kami cek besok', hours: 2 },
    ],
    verifiedAt: null,
    firstRespondedAt: 2,
  },
  {
    label: 'verified bare, then in process with a note',
    status: 'in_process',
    events: [
      { from: 'waiting', to: 'verified', actor: 'officer', note: null, hours: 1 },
      { from: 'verified', to: 'in_process', actor: 'officer', note: 'Tim berangkat', hours: 3 },
    ],
    verifiedAt: 1,
    firstRespondedAt: 3,
  },
  {
    label: 'verified bare, a citizen adding information',
    status: 'verified',
    events: [
      { from: 'waiting', to: 'verified', actor: 'officer', note: null, hours: 1 },
      { from: 'verified', to: 'verified', actor: 'citizen', note: 'Lubangnya makin besar', hours: 2 },
    ],
    verifiedAt: 1,
    firstRespondedAt: null,
  },
  {
    label: 'rejected at once',
    status: 'rejected',
    events: [{ from: 'waiting', to: 'rejected', actor: 'officer', note: 'Laporan tidak jelas', hours: 4 }],
    verifiedAt: 4,
    firstRespondedAt: 4,
    closedAt: 4,
  },
];

describe.each(DB_KINDS)('the LAPOR clocks migration on %s', (kind) => {
  let db: TestDatabase;
  const dirs: string[] = [];
  afterAll(async () => {
    await db?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the stopped clocks from the trail; the reconciler then gives the open ones their deadlines', async () => {
    db = await createTestDatabase(kind, { migrated: false });
    const before = mkdtempSync(path.join(os.tmpdir(), 'lk-migrations-'));
    dirs.push(before);
    cpSync(DEFAULT_MIGRATIONS_DIR, before, { recursive: true });
    rmSync(path.join(before, MIGRATION), { recursive: true });
    await migrate(db.sql, before);

    await db.sql.query(`INSERT INTO "Department" ("code", "name") VALUES ('PUPR', 'Dinas PUPR')`);
    await db.sql.query(
      `INSERT INTO "ComplaintCategory" ("code", "nameId", "nameEn", "slaWorkingDays", "departmentCode")
       VALUES ('jalan', 'Jalan rusak', 'Damaged road', 5, 'PUPR')`,
    );
    await db.sql.query(`INSERT INTO "Citizen" ("id", "updatedAt") VALUES ($1, now())`, [CITIZEN]);
    for (const [i, c] of complaints.entries()) {
      await db.sql.query(
        `INSERT INTO "Complaint" ("id", "trackingNumber", "citizenId", "categoryCode", "departmentCode", "status",
           "description", "deadlineAt", "closedAt", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, 'jalan', 'PUPR', $4::"ComplaintStatus", 'Jalan berlubang', $5, $6, $7, $8)`,
        [
          id(i),
          `A0000000${i}`,
          CITIZEN,
          c.status,
          at(120),
          c.closedAt === undefined ? null : at(c.closedAt),
          at(0),
          at(10),
        ],
      );
      for (const e of [{ from: null, to: 'waiting', actor: 'citizen' as const, note: null, hours: 0 }, ...c.events]) {
        await db.sql.query(
          `INSERT INTO "ComplaintEvent" ("complaintId", "actorType", "fromStatus", "toStatus", "note", "createdAt")
           VALUES ($1, $2::"ActorType", $3::"ComplaintStatus", $4::"ComplaintStatus", $5, $6)`,
          [id(i), e.actor, e.from, e.to, e.note, at(e.hours)],
        );
      }
    }

    expect((await migrate(db.sql)).applied).toEqual([MIGRATION]);
    const rows = await db.prisma.complaint.findMany({ orderBy: { trackingNumber: 'asc' } });
    const hours = (h: number | null) => (h === null ? null : at(h));
    expect(rows.map((r) => ({ verifiedAt: r.verifiedAt, firstRespondedAt: r.firstRespondedAt }))).toEqual(
      complaints.map((c) => ({ verifiedAt: hours(c.verifiedAt), firstRespondedAt: hours(c.firstRespondedAt) })),
    );
    expect(rows.every((r) => r.verifyDeadlineAt === null && r.firstResponseDeadlineAt === null)).toBe(true);

    // The open four get their deadlines from the city's calendar; the closed one none; twice is once.
    expect(await fillComplaintClocks(db.prisma, defaultCity)).toBe(4);
    expect(await fillComplaintClocks(db.prisma, defaultCity)).toBe(0);
    const filled = await db.prisma.complaint.findMany({ orderBy: { trackingNumber: 'asc' } });
    expect(
      filled.map((r) => ({ verifyDeadlineAt: r.verifyDeadlineAt, firstResponseDeadlineAt: r.firstResponseDeadlineAt })),
    ).toEqual(
      complaints.map((c) =>
        c.closedAt === undefined
          ? laporDeadlines(defaultCity, at(0))
          : { verifyDeadlineAt: null, firstResponseDeadlineAt: null },
      ),
    );
  });
});
