import type { Officer, PrismaClient } from '../generated/prisma/client.js';
import { loginChallengeHash } from './loginChallenge.js';
import { loginCodeHash, loginCodeMatches } from './loginCodeHash.js';

/** Tries one challenge allows, the right one included. */
export const LOGIN_CODE_MAX_TRIES = 5;

export interface LoginCodeCheck {
  handle: string;
  code: string;
  /** The challenge from the browser's cookie: the code is looked up by it alone. */
  challenge: string;
  now: Date;
  secret: string;
}

// Stands in for the row of a challenge that matches none, so that case hashes too.
const NO_ROW = '00000000-0000-0000-0000-000000000000';

/**
 * Checks a sign-in code against the one sent for the browser's challenge. The row is found by
 * the challenge alone and the try taken in the same statement; handle and code are then one HMAC
 * and one constant-time compare. So an officer's handle and any other cost the same queries and
 * hashing, and wrong tries count only against the challenge they were made with: after
 * LOGIN_CODE_MAX_TRIES it is dead, and a right code works once. Returns the officer, or null for
 * any failure alike (no challenge, wrong handle or code, expired, used up, not an officer).
 */
export async function verifyLoginCode(
  prisma: PrismaClient,
  check: LoginCodeCheck,
  hash: typeof loginCodeHash = loginCodeHash,
): Promise<Officer | null> {
  const code = check.code.trim();
  const [row] = await prisma.officerLoginCode.updateManyAndReturn({
    where: {
      challengeHash: loginChallengeHash(check.secret, check.challenge),
      usedAt: null,
      expiresAt: { gt: check.now },
      attempts: { lt: LOGIN_CODE_MAX_TRIES },
    },
    data: { attempts: { increment: 1 } },
    select: { id: true, officerId: true, codeHash: true },
  });
  const matches = loginCodeMatches(hash(check.secret, row?.id ?? NO_ROW, check.handle, code), row?.codeHash ?? '');
  if (!row?.officerId || !matches || !/^\d{6}$/.test(code)) return null;
  const used = await prisma.officerLoginCode.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: check.now },
  });
  if (used.count !== 1) return null;
  const officer = await prisma.officer.findUnique({ where: { id: row.officerId } });
  return officer?.active ? officer : null;
}
