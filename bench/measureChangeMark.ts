// The Command Center's change check, before and after the case watermark: the old mark (counts
// and max(updatedAt) of both case tables) against the watermark read, on 100,000 cases.
// Execution times from EXPLAIN ANALYZE, medians over many runs. Run: npx tsx bench/measureChangeMark.ts
import { seedOpenCases } from '../test/support/seedOpenCases.js';
import { createTestDatabase, defaultCity } from '../test/support/testDatabase.js';

const RUNS = Number(process.env.RUNS ?? 300);
const OLD_MARK = `SELECT concat_ws('/',
  (SELECT count(*) FROM "PermitApplication"), (SELECT max("updatedAt") FROM "PermitApplication"),
  (SELECT count(*) FROM "Complaint"), (SELECT max("updatedAt") FROM "Complaint")) AS mark`;
const WATERMARK = `SELECT "departmentCode" AS department, "version"::text AS version FROM "CaseWatermark"`;

const db = await createTestDatabase('postgresql');
try {
  const started = Date.now();
  await seedOpenCases(db.prisma, defaultCity, { open: 10_000, closed: 90_000, now: new Date(), seed: 7 });
  await db.sql.exec('VACUUM ANALYZE');
  const cases = (await db.prisma.permitApplication.count()) + (await db.prisma.complaint.count());
  console.log(`seeded ${cases} cases in ${Date.now() - started} ms`);

  const time = async (query: string) => {
    const rows = await db.prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${query}`,
    );
    const raw = rows[0]!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ 'Execution Time': number }>;
    return plan[0]!['Execution Time'];
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const old: number[] = [];
  const mark: number[] = [];
  for (let i = 0; i < 20; i++) await Promise.all([time(OLD_MARK), time(WATERMARK)]);
  for (let i = 0; i < RUNS; i++) {
    old.push(await time(OLD_MARK));
    mark.push(await time(WATERMARK));
  }
  const rows = await db.prisma.caseWatermark.count();
  console.log(`old mark:  median ${median(old).toFixed(3)} ms (${RUNS} runs)`);
  console.log(`watermark: median ${median(mark).toFixed(3)} ms (${RUNS} runs, ${rows} rows)`);
  console.log(`ratio old/new: ${(median(old) / median(mark)).toFixed(0)}x`);
} finally {
  await db.drop();
}
