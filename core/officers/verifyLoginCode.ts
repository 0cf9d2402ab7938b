import type { Officer, PrismaClient } from '../generated/prisma/client.js';
import { findOfficerByHandle } from './findOfficerByHandle.js';
import { loginCodeMatches } from './loginCodeHash.js';

/** Tries one code allows, the right one included. */
export const LOGIN_CODE_MAX_TRIES = 5;

export interface LoginCodeCheck {
  handle: string;
  code: string;
  now: Date;
  secret: string;
}

/**
 * Checks a sign-in code against the officer's latest unexpired one. Every try counts, and after
 * LOGIN_CODE_MAX_TRIES the code is dead; a right code works once. Returns the officer, or null
 * for any failure alike (unknown handle, no code, wrong, expired, used up), so a caller cannot
 * tell them apart.
 */
export async function verifyLoginCode(prisma: PrismaClient, check: LoginCodeCheck): Promise<Officer | null> {
  if (!/^\d{6}$/.test(check.code.trim())) return null;
  const officer = await findOfficerByHandle(prisma, check.handle);
  if (!officer) return null;
  const latest = await prisma.officerLoginCode.findFirst({
    where: { officerId: officer.id, usedAt: null, expiresAt: { gt: check.now } },
    orderBy: { createdAt: 'desc' },
  });
  if (!latest) return null;
  // Take the try before comparing, atomically: parallel guesses cannot share one try.
  const tried = await prisma.officerLoginCode.updateMany({
    where: { id: latest.id, usedAt: null, attempts: { lt: LOGIN_CODE_MAX_TRIES } },
    data: { attempts: { increment: 1 } },
  });
  if (tried.count === 0) return null;
  if (!loginCodeMatches(check.secret, latest.id, check.code.trim(), latest.codeHash)) return null;
  const used = await prisma.officerLoginCode.updateMany({
    where: { id: latest.id, usedAt: null },
    data: { usedAt: check.now },
  });
  return used.count === 1 ? officer : null;
}
