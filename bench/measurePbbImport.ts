import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { findTaxObject } from '../core/pbb/findTaxObject.js';
import { importLedger } from '../core/pbb/importLedger.js';
import type { BenchContext } from './BenchContext.js';
import { createBenchDatabase } from './createBenchDatabase.js';
import { cpuPerUnit, cpuSnapshot } from './cpuUsage.js';
import { generatePbbLedger } from './generatePbbLedger.js';
import { seededRandom } from './seededRandom.js';
import { distribution, round } from './stats.js';

export interface ImportFigures {
  rows: number;
  fileMb: number;
  seconds: number;
  rowsPerSec: number;
  inserted: number;
  rejected: number;
  lookups: number;
  lookupP50Ms: number;
  lookupP99Ms: number;
  lookupMaxMs: number;
  /** CPU milliseconds per 1,000 rows imported: this process (parsing, Prisma) and PostgreSQL. */
  cpuMsPer1000Rows: Record<string, number>;
  setup: string;
}

/**
 * The PBB ledger import at scale: a generated ledger in the demo's layout, imported by the real
 * importLedger (what `npm run import:pbb` runs) into a fresh database; then lookups by NOP with
 * the chat's own findTaxObject, one at a time, of random NOPs from the ledger.
 */
export async function measurePbbImport(ctx: BenchContext): Promise<ImportFigures> {
  const { rows, lookups } = ctx.scale.import;
  const file = path.join(ctx.scratch, 'pbb-ledger.csv');
  const nops = await generatePbbLedger(file, rows);
  const fileMb = statSync(file).size / 1024 / 1024;
  ctx.log(`PBB import: generated ${rows} rows (${round(fileMb)} MB)`);
  const db = await createBenchDatabase(ctx.city);
  ctx.defer(`database ${db.name}`, () => db.drop());
  const database = await db.open();
  try {
    const before = cpuSnapshot();
    const started = performance.now();
    const summary = await importLedger(database.prisma, createReadStream(file));
    const seconds = (performance.now() - started) / 1000;
    const after = cpuSnapshot();
    if (summary.read !== rows || summary.rejected.length > 0) {
      throw new Error(
        `imported ${summary.read} rows, rejected ${summary.rejected.length}: ${summary.rejected[0]?.reason}`,
      );
    }
    ctx.log(`PBB import: ${rows} rows in ${round(seconds)} s (${round(rows / seconds)} rows/s)`);

    const random = seededRandom(5);
    const pick = () => nops[Math.floor(random() * nops.length)]!;
    for (let i = 0; i < 100; i++) await findTaxObject(database.statements, pick());
    const latencies: number[] = [];
    for (let i = 0; i < lookups; i++) {
      const nop = pick();
      const t0 = performance.now();
      const found = await findTaxObject(database.statements, nop);
      latencies.push(performance.now() - t0);
      if (!found) throw new Error(`NOP ${nop} was imported but is not found`);
    }
    const d = distribution(latencies);
    const cpu = cpuPerUnit(before, after, rows / 1000);
    return {
      rows,
      fileMb: round(fileMb),
      seconds: round(seconds),
      rowsPerSec: round(rows / seconds),
      inserted: summary.inserted,
      rejected: summary.rejected.length,
      lookups,
      lookupP50Ms: round(d.p50),
      lookupP99Ms: round(d.p99),
      lookupMaxMs: round(d.max),
      cpuMsPer1000Rows: { importer: cpu.loadGenerator!, postgres: cpu.postgres!, otherProcesses: cpu.otherProcesses! },
      setup: `${nops.length} tax objects × 4 years, importLedger (batches of 2,000) in the bench process; lookups one at a time after the import`,
    };
  } finally {
    await database.close();
  }
}
