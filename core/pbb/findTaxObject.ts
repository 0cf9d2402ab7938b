import type { Prisma } from '../generated/prisma/client.js';
import type { TaxObjectView } from '../conversation/types.js';

type Reader = Pick<Prisma.TransactionClient, '$queryRaw'>;

/**
 * A tax object with its SPPT bills by NOP (18 bare digits), or null when the ledger lacks it:
 * one statement (the object joined with its bills, oldest year first).
 */
export async function findTaxObject(db: Reader, nop: string): Promise<TaxObjectView | null> {
  const rows = await db.$queryRaw<
    Array<{
      nop: string;
      taxpayerName: string;
      address: string;
      year: number | null;
      amountDue: bigint | null;
      dueDate: string | null;
      paidAt: string | null;
    }>
  >`
    SELECT t.nop::text AS nop, t."taxpayerName", t.address, b.year, b."amountDue",
      to_char(b."dueDate", 'YYYY-MM-DD') AS "dueDate", to_char(b."paidAt", 'YYYY-MM-DD') AS "paidAt"
    FROM "TaxObject" t LEFT JOIN "SpptBill" b ON b.nop = t.nop
    WHERE t.nop = ${nop}
    ORDER BY b.year`;
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
