import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { formatNop, parseNop } from '../domain/nop.js';
import { inRegion, regionOf } from '../domain/region.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { parseCsvLine } from './parseCsvLine.js';

/** The columns of a ledger, as in city/default/pbb-sppt-demo.csv. */
export const LEDGER_COLUMNS = [
  'nop',
  'tahun',
  'nama_wp',
  'alamat_op',
  'luas_bumi_m2',
  'luas_bangunan_m2',
  'njop',
  'pbb_terutang',
  'jatuh_tempo',
  'tgl_bayar',
] as const;

export interface ImportSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ line: number; reason: string }>;
}

interface LedgerRow {
  line: number;
  nop: string;
  year: number;
  taxpayerName: string;
  address: string;
  landAreaM2: number;
  buildingAreaM2: number;
  njop: string;
  amountDue: string;
  dueDate: string;
  paidAt: string | null;
}

export interface ImportOptions {
  batchSize?: number;
  /** Called after each batch with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
  /** The city's NOP regions (city.json `pbb.nopRegions`): rows of other regions are refused. */
  nopRegions?: readonly string[] | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function wholeNumber(value: string | undefined, field: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = (value ?? '').trim();
  if (!/^\d+$/.test(v) || Number(v) > max) throw new Error(`${field} must be a whole number, got "${v}"`);
  return Number(v);
}

/**
 * Validates one CSV record; throws with a reason a person can act on. With `nopRegions`, a NOP of
 * another region is refused: its bill is that region's to hold, under that region's rules.
 */
export function parseLedgerRecord(record: string[], line: number, nopRegions?: readonly string[]): LedgerRow {
  if (record.length !== LEDGER_COLUMNS.length) {
    throw new Error(`expected ${LEDGER_COLUMNS.length} columns, found ${record.length}`);
  }
  const [nopText, year, name, address, land, building, njop, due, dueDate, paidAt] = record.map((v) =>
    v.trim(),
  ) as string[];
  const nop = parseNop(nopText ?? '');
  if (!nop.ok || (nopText ?? '').replace(/[\d.\s-]/g, '') !== '') {
    throw new Error(`nop "${nopText}" is not 18 digits`);
  }
  if (!inRegion(nop.nop, nopRegions)) {
    const ours = (nopRegions ?? []).map((r) => regionOf(r)).join(', ');
    throw new Error(
      `nop ${formatNop(nop.nop)} is of region ${regionOf(nop.nop)}, not of this city's ${ours} (city.json pbb.nopRegions)`,
    );
  }
  const yearNumber = wholeNumber(year, 'tahun');
  if (yearNumber < 1986 || yearNumber > 2100) throw new Error(`tahun ${yearNumber} is out of range`);
  if (!name) throw new Error('nama_wp is empty');
  if (!dueDate || !isCalendarDate(dueDate)) throw new Error(`jatuh_tempo "${dueDate}" is not a date (YYYY-MM-DD)`);
  if (paidAt && !isCalendarDate(paidAt)) throw new Error(`tgl_bayar "${paidAt}" is not a date (YYYY-MM-DD)`);
  return {
    line,
    nop: nop.nop,
    year: yearNumber,
    taxpayerName: name,
    address: address ?? '',
    landAreaM2: wholeNumber(land, 'luas_bumi_m2', 2_147_483_647),
    buildingAreaM2: wholeNumber(building, 'luas_bangunan_m2', 2_147_483_647),
    njop: String(wholeNumber(njop, 'njop')),
    amountDue: String(wholeNumber(due, 'pbb_terutang')),
    dueDate,
    paidAt: paidAt || null,
  };
}

/**
 * Imports a PBB ledger (one SPPT per line) idempotently: a tax object or bill already present is
 * updated, never duplicated. A malformed line, or one of another region's NOP, is reported with its
 * number and skipped.
 */
export async function importLedger(
  prisma: PrismaClient,
  input: Readable,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 2000;
  const summary: ImportSummary = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const seen = new Map<string, number>();
  let batch: LedgerRow[] = [];

  let lineNumber = 0;
  let header = true;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    if (header) {
      header = false;
      const names = parseCsvLine(text).map((h) => h.trim().toLowerCase());
      if (LEDGER_COLUMNS.some((c, i) => names[i] !== c)) {
        throw new Error(`the first line must be the header ${LEDGER_COLUMNS.join(',')}`);
      }
      continue;
    }
    summary.read++;
    try {
      const row = parseLedgerRecord(parseCsvLine(text), lineNumber, options.nopRegions);
      const key = `${row.nop}/${row.year}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new Error(`NOP and year repeat line ${earlier}`);
      seen.set(key, row.line);
      batch.push(row);
    } catch (error) {
      summary.rejected.push({ line: lineNumber, reason: (error as Error).message });
    }
    if (batch.length >= batchSize) {
      await writeBatch(prisma, batch, summary);
      batch = [];
      options.onProgress?.(summary.read);
    }
  }
  if (batch.length > 0) await writeBatch(prisma, batch, summary);
  options.onProgress?.(summary.read);
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

async function writeBatch(prisma: PrismaClient, rows: LedgerRow[], summary: ImportSummary): Promise<void> {
  // The latest line of a NOP names its taxpayer and object.
  const objects = new Map<string, LedgerRow>();
  for (const row of rows) objects.set(row.nop, row);
  const o = [...objects.values()];

  await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(
      `INSERT INTO "TaxObject" ("nop", "taxpayerName", "address", "landAreaM2", "buildingAreaM2", "updatedAt")
       SELECT n, t, a, l, b, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) AS u(n, t, a, l, b)
       ON CONFLICT ("nop") DO UPDATE SET
         "taxpayerName" = EXCLUDED."taxpayerName", "address" = EXCLUDED."address",
         "landAreaM2" = EXCLUDED."landAreaM2", "buildingAreaM2" = EXCLUDED."buildingAreaM2", "updatedAt" = now()
       WHERE ("TaxObject"."taxpayerName", "TaxObject"."address", "TaxObject"."landAreaM2", "TaxObject"."buildingAreaM2")
         IS DISTINCT FROM (EXCLUDED."taxpayerName", EXCLUDED."address", EXCLUDED."landAreaM2", EXCLUDED."buildingAreaM2")`,
      o.map((r) => r.nop),
      o.map((r) => r.taxpayerName),
      o.map((r) => r.address),
      o.map((r) => r.landAreaM2),
      o.map((r) => r.buildingAreaM2),
    );
    // xmax = 0 marks a row this statement inserted; rows already equal are not touched at all.
    const written = await tx.$queryRawUnsafe<Array<{ inserted: boolean }>>(
      `INSERT INTO "SpptBill" ("nop", "year", "njop", "amountDue", "dueDate", "paidAt")
       SELECT n, y, j, d, dd, p FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[], $5::date[], $6::date[]) AS u(n, y, j, d, dd, p)
       ON CONFLICT ("nop", "year") DO UPDATE SET
         "njop" = EXCLUDED."njop", "amountDue" = EXCLUDED."amountDue", "dueDate" = EXCLUDED."dueDate", "paidAt" = EXCLUDED."paidAt"
       WHERE ("SpptBill"."njop", "SpptBill"."amountDue", "SpptBill"."dueDate", "SpptBill"."paidAt")
         IS DISTINCT FROM (EXCLUDED."njop", EXCLUDED."amountDue", EXCLUDED."dueDate", EXCLUDED."paidAt")
       RETURNING (xmax = 0) AS inserted`,
      rows.map((r) => r.nop),
      rows.map((r) => r.year),
      rows.map((r) => r.njop),
      rows.map((r) => r.amountDue),
      rows.map((r) => r.dueDate),
      rows.map((r) => r.paidAt),
    );
    const inserted = written.filter((w) => w.inserted).length;
    summary.inserted += inserted;
    summary.updated += written.length - inserted;
    summary.unchanged += rows.length - written.length;
  });
}
