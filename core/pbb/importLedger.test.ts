import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { findTaxObject } from './findTaxObject.js';
import { importLedger, LEDGER_COLUMNS, type ImportSummary } from './importLedger.js';

const DEMO_CSV = 'city/default/pbb-sppt-demo.csv';
const HEADER = LEDGER_COLUMNS.join(',');

const fromText = (text: string) => Readable.from([text]);

/** A ledger line of a NOP that is not in the demo ledger (kecamatan 990). */
function ledgerLine(serial: number, overrides: Partial<Record<(typeof LEDGER_COLUMNS)[number], string>> = {}): string {
  const fields: Record<(typeof LEDGER_COLUMNS)[number], string> = {
    nop: `12.75.990.001.001-${String(serial).padStart(4, '0')}.0`,
    tahun: '2024',
    nama_wp: `WAJIB PAJAK ${serial}`,
    alamat_op: `"Jl. Uji No. ${serial}"`,
    luas_bumi_m2: '100',
    luas_bangunan_m2: '50',
    njop: '100000000',
    pbb_terutang: String(100000 + serial),
    jatuh_tempo: '2024-08-31',
    tgl_bayar: '',
    ...overrides,
  };
  return LEDGER_COLUMNS.map((c) => fields[c]).join(',');
}
const bareNop = (serial: number) => `1275990001001${String(serial).padStart(4, '0')}0`;

describe.each(DB_KINDS)('importLedger on %s', (kind) => {
  let db: TestDatabase;
  let first: ImportSummary;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // Every row of the demo ledger is of the default city's own region.
    first = await importLedger(db.prisma, createReadStream(DEMO_CSV), { nopRegions: defaultCity.pbb.nopRegions });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const counts = async () => ({ objects: await db.prisma.taxObject.count(), bills: await db.prisma.spptBill.count() });

  it('imports the demo ledger: 6000 SPPT lines of 1500 NOPs', async () => {
    expect(first).toEqual({ read: 6000, inserted: 6000, updated: 0, unchanged: 0, rejected: [] });
    expect(await counts()).toEqual({ objects: 1500, bills: 6000 });
  });

  it('stores the bills of a NOP as the ledger says', async () => {
    const found = await findTaxObject(db.statements, '127504000300915550');
    expect(found).toEqual({
      nop: '127504000300915550',
      taxpayerName: 'DARMA HUTAGALUNG',
      address: 'Jl. Veteran No. 93',
      bills: [
        { year: 2023, amountDue: 611264, dueDate: '2023-08-31', paidAt: '2023-07-25' },
        { year: 2024, amountDue: 636115, dueDate: '2024-08-31', paidAt: null },
        { year: 2025, amountDue: 660965, dueDate: '2025-08-31', paidAt: '2025-06-24' },
        { year: 2026, amountDue: 685816, dueDate: '2026-08-31', paidAt: null },
      ],
    });
    const object = await db.prisma.taxObject.findUniqueOrThrow({ where: { nop: '127504000300915550' } });
    expect(object).toMatchObject({ landAreaM2: 924, buildingAreaM2: 360 });
    const bill = await db.prisma.spptBill.findUniqueOrThrow({
      where: { nop_year: { nop: '127504000300915550', year: 2024 } },
    });
    expect(bill.njop).toBe(646114560n);
    expect(await findTaxObject(db.statements, '127504000300915551')).toBeNull();
  });

  it('changes nothing when the same ledger is imported again', async () => {
    const again = await importLedger(db.prisma, createReadStream(DEMO_CSV));
    expect(again).toEqual({ read: 6000, inserted: 0, updated: 0, unchanged: 6000, rejected: [] });
    expect(await counts()).toEqual({ objects: 1500, bills: 6000 });
  });

  it('reports and stores a changed amount and a newly filled payment date as 2 updates', async () => {
    // Lines 6 and 7 of the demo ledger: NOP 12.75.010.002.032-0245.0, years 2023 and 2024.
    const lines = readFileSync(DEMO_CSV, 'utf8').split('\n');
    expect(lines[5]).toMatch(/^12\.75\.010\.002\.032-0245\.0,2023,.*,420416,2023-08-31,2023-06-17$/);
    expect(lines[6]).toMatch(/^12\.75\.010\.002\.032-0245\.0,2024,.*,437633,2024-08-31,$/);
    lines[5] = lines[5]!.replace(',420416,', ',420999,');
    lines[6] = `${lines[6]}2024-09-15`;

    const summary = await importLedger(db.prisma, fromText(lines.join('\n')));

    expect(summary).toEqual({ read: 6000, inserted: 0, updated: 2, unchanged: 5998, rejected: [] });
    expect(await counts()).toEqual({ objects: 1500, bills: 6000 });
    const found = await findTaxObject(db.statements, '127501000203202450');
    expect(found?.bills.slice(0, 2)).toEqual([
      { year: 2023, amountDue: 420999, dueDate: '2023-08-31', paidAt: '2023-06-17' },
      { year: 2024, amountDue: 437633, dueDate: '2024-08-31', paidAt: '2024-09-15' },
    ]);
  });

  it('stores a new taxpayer name and address of a NOP from its latest line', async () => {
    const lines = [
      HEADER,
      ledgerLine(51, { tahun: '2023' }),
      ledgerLine(51, { tahun: '2024', nama_wp: 'PEMILIK BARU', alamat_op: '"Jl. Baru No. 1"' }),
    ];
    await importLedger(db.prisma, fromText(`${lines.slice(0, 2).join('\n')}\n`));
    expect((await findTaxObject(db.statements, bareNop(51)))?.taxpayerName).toBe('WAJIB PAJAK 51');

    const summary = await importLedger(db.prisma, fromText(`${lines.join('\n')}\n`));

    expect(summary).toMatchObject({ read: 2, inserted: 1, rejected: [] });
    expect(await findTaxObject(db.statements, bareNop(51))).toMatchObject({
      taxpayerName: 'PEMILIK BARU',
      address: 'Jl. Baru No. 1',
    });
  });

  it('imports every good line and rejects each broken one with its line number and reason', async () => {
    const before = await counts();
    // index + 1 is the line number in the file
    const lines = [
      HEADER,
      ledgerLine(1),
      ledgerLine(2, { nop: '12.75.990.001.001-002.0' }),
      ledgerLine(3, { jatuh_tempo: '2024-02-30' }),
      ledgerLine(4).replace(/,$/, ''),
      ledgerLine(5, { pbb_terutang: 'seratus ribu' }),
      ledgerLine(6),
      ledgerLine(7, { tgl_bayar: '2024-13-01' }),
      ledgerLine(1, { pbb_terutang: '999' }),
      ledgerLine(8, { tahun: 'dua ribu' }),
      ledgerLine(9, { nop: '12.75.990.001.001-0009.0A' }),
      '',
      ledgerLine(10, { nama_wp: '' }),
      ledgerLine(11, { luas_bumi_m2: '-5' }),
      ledgerLine(12, { tahun: '2025' }),
    ];

    const summary = await importLedger(db.prisma, fromText(`${lines.join('\n')}\n`));

    expect(summary.rejected).toEqual([
      { line: 3, reason: 'nop "12.75.990.001.001-002.0" is not 18 digits' },
      { line: 4, reason: 'jatuh_tempo "2024-02-30" is not a date (YYYY-MM-DD)' },
      { line: 5, reason: 'expected 10 columns, found 9' },
      { line: 6, reason: 'pbb_terutang must be a whole number, got "seratus ribu"' },
      { line: 8, reason: 'tgl_bayar "2024-13-01" is not a date (YYYY-MM-DD)' },
      { line: 9, reason: 'NOP and year repeat line 2' },
      { line: 10, reason: 'tahun must be a whole number, got "dua ribu"' },
      { line: 11, reason: 'nop "12.75.990.001.001-0009.0A" is not 18 digits' },
      { line: 13, reason: 'nama_wp is empty' },
      { line: 14, reason: 'luas_bumi_m2 must be a whole number, got "-5"' },
    ]);
    // 13 records: the empty line 12 is no record.
    expect(summary).toMatchObject({ read: 13, inserted: 3, updated: 0, unchanged: 0 });
    expect(await counts()).toEqual({ objects: before.objects + 3, bills: before.bills + 3 });
    // The first of two lines of one NOP and year wins; the repeat is not applied.
    expect((await findTaxObject(db.statements, bareNop(1)))?.bills).toEqual([
      { year: 2024, amountDue: 100001, dueDate: '2024-08-31', paidAt: null },
    ]);
    expect((await findTaxObject(db.statements, bareNop(6)))?.bills).toHaveLength(1);
    expect((await findTaxObject(db.statements, bareNop(12)))?.bills[0]?.year).toBe(2025);
    expect(await findTaxObject(db.statements, bareNop(3))).toBeNull();
  });

  // BUG: an unterminated quote swallows the next line. csv-parse reads line 3's open quote on into
  // line 4 and fails there ("Invalid Closing Quote ... at line 4"), so the report names line 4, not
  // line 3, and line 4, a good line, is lost without being reported as such (read counts 3, not 4).
  // Where the following lines hold no quote at all, every line up to the next quote is swallowed.
  // csv-parse's skip_records_with_error cannot resynchronise; reading line by line would.
  it('rejects a line with an unterminated quote alone, at its own line number', async () => {
    const lines = [
      HEADER,
      ledgerLine(21),
      ledgerLine(22, { alamat_op: '"Jl. Uji No. 22' }),
      ledgerLine(23),
      ledgerLine(24),
    ];

    const summary = await importLedger(db.prisma, fromText(`${lines.join('\n')}\n`));

    expect(summary.rejected).toEqual([{ line: 3, reason: expect.stringMatching(/quote/i) }]);
    expect(summary).toMatchObject({ read: 4, inserted: 3 });
    expect(await findTaxObject(db.statements, bareNop(23))).not.toBeNull();
  });

  // BUG: a stray quote inside an unquoted field is reported twice for the same line (csv-parse emits
  // one 'skip' per error it meets on the line), so `rejected` counts 2 broken lines where there is 1.
  it('reports a line with a stray quote inside a field once', async () => {
    const lines = [HEADER, ledgerLine(26), ledgerLine(27, { alamat_op: 'Jl. "Uji" 27' }), ledgerLine(28)];

    const summary = await importLedger(db.prisma, fromText(`${lines.join('\n')}\n`));

    expect(summary.rejected).toEqual([{ line: 3, reason: expect.stringMatching(/quote/i) }]);
    expect(summary).toMatchObject({ read: 3, inserted: 2 });
  });

  it('refuses a ledger whose first line is not the expected header, writing nothing', async () => {
    const before = await counts();
    const wrong = ['nop,year,name,address,land,building,njop,due,due_date,paid_at', ledgerLine(31)].join('\n');

    await expect(importLedger(db.prisma, fromText(wrong))).rejects.toThrow(
      `the first line must be the header ${HEADER}`,
    );
    const noHeader = [ledgerLine(32), ledgerLine(33)].join('\n');
    await expect(importLedger(db.prisma, fromText(noHeader))).rejects.toThrow(/the first line must be the header/);

    expect(await counts()).toEqual(before);
  });

  it("refuses the rows of another region's NOPs with their line numbers when the city names its regions", async () => {
    const lines = [
      HEADER,
      ledgerLine(61),
      ledgerLine(62, { nop: '13.71.990.001.001-0062.0' }),
      ledgerLine(63, { nop: '12.71.990.001.001-0063.0' }),
      ledgerLine(64),
    ];
    const summary = await importLedger(db.prisma, fromText(`${lines.join('\n')}\n`), { nopRegions: ['1275'] });
    expect(summary).toMatchObject({ read: 4, inserted: 2 });
    expect(summary.rejected).toEqual([
      {
        line: 3,
        reason: "nop 13.71.990.001.001-0062.0 is of region 13.71, not of this city's 12.75 (city.json pbb.nopRegions)",
      },
      {
        line: 4,
        reason: "nop 12.71.990.001.001-0063.0 is of region 12.71, not of this city's 12.75 (city.json pbb.nopRegions)",
      },
    ]);
    expect(await findTaxObject(db.statements, '1371990001001' + '00620')).toBeNull();
    expect(await findTaxObject(db.statements, bareNop(64))).not.toBeNull();
  });

  it('accepts a byte order mark, Windows line ends and an upper-case header', async () => {
    const text = `\uFEFF${HEADER.toUpperCase()}\r\n${ledgerLine(41)}\r\n${ledgerLine(42, { tgl_bayar: '2024-07-01' })}\r\n`;

    const summary = await importLedger(db.prisma, fromText(text));

    expect(summary).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: [] });
    expect((await findTaxObject(db.statements, bareNop(42)))?.bills).toEqual([
      { year: 2024, amountDue: 100042, dueDate: '2024-08-31', paidAt: '2024-07-01' },
    ]);
  });
});
