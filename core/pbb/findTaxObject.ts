import type { TaxObjectView } from '../conversation/types.js';
import { statement, type SqlSession } from '../db/statements.js';

const TAX_OBJECT_WITH_BILLS = statement(
  'pbb_tax_object_with_bills',
  `SELECT t.nop::text AS nop, t."taxpayerName", t.address, b.year, b."amountDue"::text AS "amountDue",
     to_char(b."dueDate", 'YYYY-MM-DD') AS "dueDate", to_char(b."paidAt", 'YYYY-MM-DD') AS "paidAt"
   FROM "TaxObject" t LEFT JOIN "SpptBill" b ON b.nop = t.nop
   WHERE t.nop = $1
   ORDER BY b.year`,
);

/**
 * A tax object with its SPPT bills by NOP (18 bare digits), or null when the ledger lacks it:
 * one statement (the object joined with its bills, oldest year first).
 */
export async function findTaxObject(sql: SqlSession, nop: string): Promise<TaxObjectView | null> {
  const rows = await sql.query<{
    nop: string;
    taxpayerName: string;
    address: string;
    year: number | null;
    amountDue: string | null;
    dueDate: string | null;
    paidAt: string | null;
  }>(TAX_OBJECT_WITH_BILLS, [nop]);
  const [first] = rows;
  if (!first) return null;
  return {
    nop: first.nop,
    taxpayerName: first.taxpayerName,
    address: first.address,
    bills: rows
      .filter((b) => b.year !== null)
      .map((b) => ({
        year: b.year!,
        amountDue: Number(b.amountDue),
        dueDate: b.dueDate!,
        paidAt: b.paidAt,
      })),
  };
}
