import { normalizePhone } from '../domain/phone.js';
import type { Officer, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { findOfficerByHandle } from './findOfficerByHandle.js';
import { loginClientHash } from './loginChallenge.js';

/** Codes one client may ask for one handle per hour: with 5 tries each, guessing stays hopeless. */
export const LOGIN_CODES_PER_CLIENT_HOUR = 5;
const HOUR_MS = 3_600_000;

export interface LoginClient {
  handle: string;
  /** The asking client's IP address. */
  client: string;
  /** The browser's known-device claim, if it carries one. */
  device?: { officerId: string; deviceId: string } | null;
  secret: string;
}

/**
 * Whom a request for a code is counted against: the officer's own browser (one they signed in on
 * before) by its device id, which no stranger holds; any other client by its address AND the
 * handle as typed (a phone number in any spelling counts as one). Keying on the handle, not on
 * the officer it names, keeps the count, and so the refusal, the same for a handle that names
 * nobody: a stranger learns only how often they themselves asked.
 */
export function loginClientKeyHash(officer: Pick<Officer, 'id'> | null, request: LoginClient): string {
  if (officer !== null && request.device?.officerId === officer.id)
    return loginClientHash(request.secret, `device:${request.device.deviceId}`);
  const raw = request.handle.trim();
  return loginClientHash(request.secret, `${request.client}\n${normalizePhone(raw) ?? raw}`);
}

/**
 * When this client may ask for a code for this handle again, or null if it may now: after
 * LOGIN_CODES_PER_CLIENT_HOUR requests within an hour, the hour after the oldest of them. Every
 * request leaves a row (requestLoginCode), for a handle that names no officer too, and the work
 * here is the same for any handle, so the answer tells nobody which handles are officers'.
 */
export async function loginCodeRetryAt(
  prisma: PrismaClient | Prisma.TransactionClient,
  request: LoginClient,
  now: Date,
): Promise<Date | null> {
  const found = await findOfficerByHandle(prisma, request.handle);
  const rows = await prisma.officerLoginCode.findMany({
    where: { clientHash: loginClientKeyHash(found, request), createdAt: { gt: new Date(now.getTime() - HOUR_MS) } },
    orderBy: { createdAt: 'desc' },
    take: LOGIN_CODES_PER_CLIENT_HOUR,
    select: { createdAt: true },
  });
  if (rows.length < LOGIN_CODES_PER_CLIENT_HOUR) return null;
  return new Date(rows[LOGIN_CODES_PER_CLIENT_HOUR - 1]!.createdAt.getTime() + HOUR_MS);
}
