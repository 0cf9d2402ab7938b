import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** Compares in constant time; hashing first makes the lengths equal, so the length leaks nothing. */
function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Whether a request may see the TV wall: always when TV_WALL_TOKEN is unset (the wall shows no
 * personal data), else only with `?token=` equal to it. The wall's page, its data and its event
 * stream all ask this one check.
 */
export function tvWallAllowed(req: Request, tvWallToken: string | undefined): boolean {
  return !tvWallToken || sameSecret(req.query.token, tvWallToken);
}
