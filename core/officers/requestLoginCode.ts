import { randomInt, randomUUID } from 'node:crypto';
import type { ChannelName, Lang } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { findOfficerByHandle } from './findOfficerByHandle.js';
import { loginCodeHash } from './loginCodeHash.js';

/** How long a sign-in code is valid. */
export const LOGIN_CODE_TTL_MS = 10 * 60_000;
/** Codes one officer may ask for per hour: with 5 tries each, guessing stays hopeless. */
export const LOGIN_CODES_PER_HOUR = 5;

export interface LoginCodeRequest {
  handle: string;
  now: Date;
  /** The key codes are hashed under (the session secret). */
  secret: string;
  language: Lang;
}

export type LoginCodeRequested =
  | { status: 'sent'; officerId: string; outbox: { id: string; channel: ChannelName } }
  | { status: 'unknown' }
  | { status: 'throttled'; officerId: string };

/**
 * Makes a 6-digit one-time code for the officer a handle names and writes it, as an urgent
 * notification, to the outbox for their linked chat account; the caller dispatches it. Only the
 * code's HMAC is stored; an earlier unused code stops working. The caller must answer the same
 * whatever the outcome, so nobody learns which handles exist.
 * @example const r = await requestLoginCode(prisma, { handle: '0812...', now, secret, language: 'id' });
 */
export async function requestLoginCode(
  prisma: PrismaClient,
  request: LoginCodeRequest,
  random: (max: number) => number = randomInt,
): Promise<LoginCodeRequested> {
  const { now } = request;
  return prisma.$transaction(async (tx) => {
    const officer = await findOfficerByHandle(tx, request.handle);
    if (!officer?.channel || !officer.address) return { status: 'unknown' };
    // One request per officer at a time, so parallel requests cannot slip past the hourly cap.
    await tx.$queryRaw`SELECT "id" FROM "Officer" WHERE "id" = ${officer.id}::uuid FOR UPDATE`;
    const lastHour = await tx.officerLoginCode.count({
      where: { officerId: officer.id, createdAt: { gt: new Date(now.getTime() - 3_600_000) } },
    });
    if (lastHour >= LOGIN_CODES_PER_HOUR) return { status: 'throttled', officerId: officer.id };
    await tx.officerLoginCode.updateMany({
      where: { officerId: officer.id, usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    const id = randomUUID();
    const code = String(random(1_000_000)).padStart(6, '0');
    await tx.officerLoginCode.create({
      data: {
        id,
        officerId: officer.id,
        codeHash: loginCodeHash(request.secret, id, code),
        expiresAt: new Date(now.getTime() + LOGIN_CODE_TTL_MS),
        createdAt: now,
      },
    });
    const outbox = await writeNotification(tx, {
      channel: officer.channel,
      address: officer.address,
      language: request.language,
      officerId: officer.id,
      // A code is useless after quiet hours end: it goes out at once.
      urgent: true,
      replies: [{ lines: [{ key: 'commandCenter.loginCode', params: { code, minutes: LOGIN_CODE_TTL_MS / 60_000 } }] }],
    });
    return { status: 'sent', officerId: officer.id, outbox };
  });
}
