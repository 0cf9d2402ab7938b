import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedOpenCases } from '../../test/support/seedOpenCases.js';
import { captureLogger } from '../../test/support/silentLogger.js';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { ChangeFeed, readCaseWatermarks, type CaseChange, type CaseMarks } from './ChangeFeed.js';

const marks = (entries: Record<string, number>): CaseMarks =>
  new Map(Object.entries(entries).map(([code, v]) => [code, String(v)]));

describe('ChangeFeed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls only while someone listens, and tells each listener of each change and its departments', async () => {
    let mark = marks({ DLH: 1, DINKES: 1 });
    const readMarks = vi.fn(async () => mark);
    const feed = new ChangeFeed(readMarks, 1000, captureLogger().logger);
    await vi.advanceTimersByTimeAsync(5000);
    expect(readMarks).not.toHaveBeenCalled();

    const first: CaseChange[] = [];
    const second: CaseChange[] = [];
    const stopFirst = feed.subscribe((c) => first.push(c));
    const stopSecond = feed.subscribe((c) => second.push(c));
    await vi.advanceTimersByTimeAsync(2000);
    expect(first).toEqual([]);
    mark = marks({ DLH: 2, DINKES: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(first).toEqual([{ version: 1, departments: ['DLH'] }]);
    expect(second).toEqual(first);
    await vi.advanceTimersByTimeAsync(3000);
    expect(first).toHaveLength(1);

    stopFirst();
    // A department seen for the first time is a change too.
    mark = marks({ DLH: 3, DINKES: 1, PUPR: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(first).toHaveLength(1);
    expect(second.at(-1)).toEqual({ version: 2, departments: ['DLH', 'PUPR'] });

    stopSecond();
    const calls = readMarks.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(readMarks.mock.calls.length).toBe(calls);
    expect(feed.size).toBe(0);
  });

  it('logs a failed poll and keeps going', async () => {
    const { logger, lines } = captureLogger();
    let fail = true;
    let mark = marks({ DLH: 1 });
    const feed = new ChangeFeed(
      async () => {
        if (fail) throw new Error('database away');
        return mark;
      },
      1000,
      logger,
    );
    const seen: number[] = [];
    const stop = feed.subscribe((c) => seen.push(c.version));
    await vi.advanceTimersByTimeAsync(2000);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    mark = marks({ DLH: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([1]);
    expect(lines.some((l) => l.includes('command center change poll failed'))).toBe(true);
    stop();
  });
});

// The watermark's triggers (migration 20261208110000_case_watermark) on both databases the app runs on.
describe.each(DB_KINDS)('the case watermark on %s', (kind) => {
  let db: TestDatabase;
  let citizenId: string;
  const versions = async () => Object.fromEntries(await readCaseWatermarks(db.prisma));
  const complaint = (trackingNumber: string, categoryCode: string, departmentCode: string) =>
    db.prisma.complaint.create({
      data: {
        trackingNumber,
        citizenId,
        categoryCode,
        departmentCode,
        description: 'Sampah menumpuk di tepi jalan',
        deadlineAt: new Date('2026-12-01T00:00:00Z'),
      },
    });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    citizenId = (await db.prisma.citizen.create({ data: {} })).id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('bumps only the department of a case filed or changed, both of a forwarded one, none for a write that leaves cases as they were', async () => {
    await complaint('A00000001', 'kesehatan', 'DINKES');
    const filed = await complaint('A00000002', 'sampah', 'DLH');
    const start = await versions();
    expect(start).toEqual({ DINKES: '1', DLH: '1' });

    await db.prisma.complaint.update({ where: { id: filed.id }, data: { status: 'verified' } });
    expect(await versions()).toEqual({ DINKES: '1', DLH: '2' });

    // Writes that leave every case as it was: none matched, or each column given its own value.
    await db.prisma.complaint.updateMany({ where: { departmentCode: 'PUPR' }, data: { status: 'done' } });
    await db.sql.exec(`UPDATE "Complaint" SET "status" = "status", "updatedAt" = "updatedAt"`);
    expect(await versions()).toEqual({ DINKES: '1', DLH: '2' });

    await db.prisma.complaint.update({ where: { id: filed.id }, data: { departmentCode: 'DINKES' } });
    expect(await versions()).toEqual({ DINKES: '2', DLH: '3' });

    // Many rows in one statement: one bump per department.
    await db.prisma.complaint.updateMany({ where: { departmentCode: 'DINKES' }, data: { status: 'in_process' } });
    expect(await versions()).toEqual({ DINKES: '3', DLH: '3' });

    await db.prisma.permitApplication.create({
      data: {
        trackingNumber: 'P00000001',
        citizenId,
        permitTypeCode: defaultCity.permitTypes.find((p) => p.department === 'DPMPTSP')!.code,
        departmentCode: 'DPMPTSP',
        applicantName: 'Pemohon Uji',
        nik: '3171010101900001',
        phone: '6281200000000',
        submittedAt: new Date('2026-11-20T00:00:00Z'),
        deadlineAt: new Date('2026-12-01T00:00:00Z'),
      },
    });
    expect(await versions()).toEqual({ DINKES: '3', DLH: '3', DPMPTSP: '1' });
  });

  it('is read in a handful of rows, whatever the number of cases', async () => {
    await seedOpenCases(db.prisma, defaultCity, {
      open: kind === 'postgresql' ? 3000 : 600,
      closed: 200,
      now: new Date('2026-11-20T05:00:00Z'),
      prefix: 'W',
    });
    const cases = (await db.prisma.complaint.count()) + (await db.prisma.permitApplication.count());
    const rows = await db.prisma.caseWatermark.count();
    const departments = new Set([
      ...(await db.prisma.permitApplication.groupBy({ by: ['departmentCode'] })).map((g) => g.departmentCode),
      ...(await db.prisma.complaint.groupBy({ by: ['departmentCode'] })).map((g) => g.departmentCode),
    ]);
    expect(rows).toBe(departments.size);
    expect(cases).toBeGreaterThan(rows * 50);
    // The poll's plan reads the watermark table only, and only its rows.
    const [plan] = await db.prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(
      'EXPLAIN (ANALYZE, FORMAT JSON) SELECT "departmentCode" AS department, "version"::text AS version FROM "CaseWatermark"',
    );
    const raw = plan!['QUERY PLAN'];
    const root = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
    const nodes = flatten(root[0]!.Plan);
    expect(new Set(nodes.map((n) => n['Relation Name']).filter(Boolean))).toEqual(new Set(['CaseWatermark']));
    expect(Math.max(...nodes.map((n) => n['Actual Rows'] ?? 0))).toBe(rows);
  });
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}
