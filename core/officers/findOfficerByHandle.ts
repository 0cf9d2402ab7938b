import { normalizePhone } from '../domain/phone.js';
import type { Officer, Prisma } from '../generated/prisma/client.js';

/**
 * The active officer a sign-in handle names: their phone number (any spelling: `0812...`,
 * `+62 812...`) or the address of their linked chat account (a Telegram chat id, say). Only
 * officers with a linked channel can be reached with a code; a handle that fits two officers
 * names none.
 */
export async function findOfficerByHandle(tx: Prisma.TransactionClient, handle: string): Promise<Officer | null> {
  const raw = handle.trim();
  if (raw.length < 3 || raw.length > 100) return null;
  const phone = normalizePhone(raw);
  const addresses = [...new Set([raw, ...(phone ? [phone] : [])])];
  const found = await tx.officer.findMany({
    where: {
      active: true,
      channel: { not: null },
      address: { not: null },
      OR: [{ address: { in: addresses } }, ...(phone ? [{ phone }] : [])],
    },
    take: 2,
  });
  return found.length === 1 ? found[0]! : null;
}
