import { randomInt, randomUUID } from 'node:crypto';
import type { ChannelName, Lang } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { findOfficerByHandle } from './findOfficerByHandle.js';
import { loginChallengeHash } from './loginChallenge.js';
import { LOGIN_CODES_PER_CLIENT_HOUR, loginClientKeyHash } from './loginCodeRetryAt.js';
import { loginCodeHash } from './loginCodeHash.js';

/** How long a sign-in code (and its challenge) is valid. */
export const LOGIN_CODE_TTL_MS = 10 * 60_000;
/**
 * Codes one officer gets per hour from all clients together, except browsers they signed in on
 * before: the bound on what strangers can make the bot send them. Strangers from many addresses
 * can reach it, but it never stops the officer's own known browsers.
 */
export const LOGIN_CODES_PER_OFFICER_HOUR = 20;
/** How long request rows are kept: long enough to count the last hour. */
const KEEP_ROWS_MS = 24 * 3_600_000;

export interface LoginCodeRequest {
  handle: string;
  /** The challenge set in the asking browser's cookie (see newLoginChallenge). */
  challenge: string;
  /** Who asks (the client's IP address), for the per-client cap; only its hash is stored. */
  client: string;
  /**
   * The browser's known-device claim, when it carries one: an officer's own browser (they signed
   * in on it before) asks on its own count, outside the officer's overall cap.
   */
  device?: { officerId: string; deviceId: string } | null;
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
 * notification, to the outbox for their linked chat account; the caller dispatches it. The code
 * belongs to the request's challenge: codes of other challenges stay valid, so a stranger asking
 * for the same handle cancels nothing. Every request gets a row, for an unknown handle or over
 * the caps too (then with no officer and a code never sent), so checking a code costs the same
 * whoever the handle names. Only hashes of the code, challenge and client are stored. The caller
 * must answer the same whatever the outcome, so nobody learns which handles exist.
 * @example const r = await requestLoginCode(prisma, { handle: '0812...', challenge, client: req.ip, now, secret, language: 'id' });
 */
export async function requestLoginCode(
  prisma: PrismaClient,
  request: LoginCodeRequest,
  random: (max: number) => number = randomInt,
): Promise<LoginCodeRequested> {
  const { now, secret } = request;
  const hourAgo = new Date(now.getTime() - 3_600_000);
  return prisma.$transaction(async (tx) => {
    await tx.officerLoginCode.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - KEEP_ROWS_MS) } } });
    const found = await findOfficerByHandle(tx, request.handle);
    const officer = found?.channel && found.address ? found : null;
    // The officer's own browser is counted by its device id; any other by address and handle.
    const known = officer !== null && request.device?.officerId === officer.id;
    const clientHash = loginClientKeyHash(officer, request);
    let outcome: 'sent' | 'unknown' | 'throttled' = 'unknown';
    if (officer) {
      // One request per officer at a time, so parallel requests cannot slip past the caps.
      await tx.$queryRaw`SELECT "id" FROM "Officer" WHERE "id" = ${officer.id}::uuid FOR UPDATE`;
      const fromClient = await tx.officerLoginCode.count({
        where: { officerId: officer.id, clientHash, createdAt: { gt: hourAgo } },
      });
      const fromAll = known
        ? 0
        : await tx.officerLoginCode.count({ where: { officerId: officer.id, createdAt: { gt: hourAgo } } });
      outcome =
        fromClient >= LOGIN_CODES_PER_CLIENT_HOUR || fromAll >= LOGIN_CODES_PER_OFFICER_HOUR ? 'throttled' : 'sent';
    }
    const id = randomUUID();
    const code = String(random(1_000_000)).padStart(6, '0');
    await tx.officerLoginCode.create({
      data: {
        id,
        officerId: outcome === 'sent' ? officer!.id : null,
        challengeHash: loginChallengeHash(secret, request.challenge),
        clientHash,
        codeHash: loginCodeHash(secret, id, request.handle, code),
        expiresAt: new Date(now.getTime() + LOGIN_CODE_TTL_MS),
        createdAt: now,
      },
    });
    if (!officer) return { status: 'unknown' };
    if (outcome === 'throttled') return { status: 'throttled', officerId: officer.id };
    const outbox = await writeNotification(tx, {
      channel: officer.channel!,
      address: officer.address!,
      language: request.language,
      officerId: officer.id,
      // A code is useless after quiet hours end: it goes out at once.
      urgent: true,
      replies: [{ lines: [{ key: 'commandCenter.loginCode', params: { code, minutes: LOGIN_CODE_TTL_MS / 60_000 } }] }],
    });
    return { status: 'sent', officerId: officer.id, outbox };
  });
}
