import type { Prisma } from '../generated/prisma/client.js';
import type { TaxObjectView } from '../conversation/types.js';

type Reader = Pick<Prisma.TransactionClient, 'taxObject'>;

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** A tax object with its SPPT bills by NOP (18 bare digits), or null when the ledger lacks it. */
export async function findTaxObject(db: Reader, nop: string): Promise<TaxObjectView | null> {
  const found = await db.taxObject.findUnique({ where: { nop }, include: { bills: { orderBy: { year: 'asc' } } } });
  if (!found) return null;
  return {
    nop: found.nop,
    taxpayerName: found.taxpayerName,
    address: found.address,
    bills: found.bills.map((b) => ({
      year: b.year,
      amountDue: Number(b.amountDue),
      dueDate: isoDate(b.dueDate),
      paidAt: b.paidAt ? isoDate(b.paidAt) : null,
    })),
  };
}
