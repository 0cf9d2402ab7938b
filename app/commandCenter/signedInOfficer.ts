import type { Request } from 'express';
import type { Core } from '../../core/boot.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import { cookieValue, readSession, SESSION_COOKIE } from './sessionCookie.js';

/**
 * The active officer behind a request's session cookie, or null. The officer is read afresh
 * each time and must still be at the session version the cookie was signed with, so logout,
 * deactivation and a change of role or department end every session at once.
 */
export async function signedInOfficer(core: Core, secret: string, req: Request): Promise<Officer | null> {
  const claims = readSession(cookieValue(req.headers.cookie, SESSION_COOKIE), secret, core.clock().getTime());
  if (!claims) return null;
  const officer = await core.db.prisma.officer.findUnique({ where: { id: claims.sub } });
  return officer?.active && officer.sessionVersion === claims.ver ? officer : null;
}
