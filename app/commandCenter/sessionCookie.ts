import { createHmac, timingSafeEqual } from 'node:crypto';

/** The name of the Command Center's session cookie. */
export const SESSION_COOKIE = 'lk_session';
/** The name of the sign-in challenge cookie, sent to the login endpoints only. */
export const CHALLENGE_COOKIE = 'lk_login';
/** The name of the known-device cookie, sent to the login endpoints only. */
export const DEVICE_COOKIE = 'lk_device';
/** How long a browser is known as an officer's after they last signed in on it. */
export const DEVICE_TTL_MS = 180 * 24 * 3_600_000;
/** How long a sign-in lasts: one working day and a bit. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** What a session cookie says: which officer, at which of their session versions, until when (epoch ms). */
export interface SessionClaims {
  sub: string;
  /** The officer's `sessionVersion` at sign-in: logout and any change of access bump it. */
  ver: number;
  exp: number;
}

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

/**
 * A signed session token: `base64url(claims).base64url(HMAC-SHA256)`. Whether the officer is
 * still active and still at the signed session version is checked on every request, so logout,
 * deactivation and a change of role or department end it.
 * @example const token = signSession({ sub: officer.id, ver: officer.sessionVersion, exp: now + SESSION_TTL_MS }, secret);
 */
export function signSession(claims: SessionClaims, secret: string): string {
  return signed(claims, (payload) => mac(secret, payload));
}

/** The claims of a token whose signature holds and that has not expired at `nowMs`, else null. */
export function readSession(token: string | undefined, secret: string, nowMs: number): SessionClaims | null {
  const claims = readSigned(token, (payload) => mac(secret, payload)) as Partial<SessionClaims> | null;
  // A cookie signed before sessions had versions has no `ver`: refused.
  if (typeof claims?.sub !== 'string' || !Number.isInteger(claims.ver) || typeof claims.exp !== 'number') return null;
  if (claims.exp <= nowMs) return null;
  return { sub: claims.sub, ver: claims.ver!, exp: claims.exp };
}

/** `base64url(JSON of claims).base64url(signature)`, the signature made by `sign` over the first part. */
function signed(claims: object, sign: (payload: string) => Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(payload).toString('base64url')}`;
}

/** The parsed claims of a token made by `signed` whose signature holds (compared in constant time), else null. */
function readSigned(token: string | undefined, sign: (payload: string) => Buffer): Record<string, unknown> | null {
  const [payload, signature, extra] = (token ?? '').split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = sign(payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What a known-device cookie says: the officer who signed in on this browser, its own id, until when. */
export interface DeviceClaims {
  sub: string;
  dev: string;
  exp: number;
}

// Signed apart from sessions, so a device token can never stand in for a session cookie.
const deviceMac = (secret: string, payload: string) => mac(secret, `device.${payload}`);

/**
 * A signed token naming the officer who signed in on a browser: that browser then asks for codes
 * on its own count, which no stranger can use up (see requestLoginCode).
 */
export function signDevice(claims: DeviceClaims, secret: string): string {
  return signed(claims, (payload) => deviceMac(secret, payload));
}

/** The claims of a known-device token whose signature holds and that has not expired, else null. */
export function readDevice(token: string | undefined, secret: string, nowMs: number): DeviceClaims | null {
  const claims = readSigned(token, (payload) => deviceMac(secret, payload)) as Partial<DeviceClaims> | null;
  if (typeof claims?.sub !== 'string' || typeof claims.dev !== 'string' || typeof claims.exp !== 'number') return null;
  return claims.exp > nowMs ? { sub: claims.sub, dev: claims.dev, exp: claims.exp } : null;
}

/** The known-device cookie's Set-Cookie value: long-lived, sent back to `/api/login` only. */
export function deviceCookieHeader(token: string, options: { secure: boolean; maxAgeMs: number }): string {
  return cookieHeader(DEVICE_COOKIE, token, '/api/login', options);
}

/** One cookie's value from a Cookie header; undefined when absent or not decodable (a bad %-escape). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The session's Set-Cookie value: HttpOnly, SameSite=Strict, Secure on HTTPS; an empty value clears it. */
export function sessionCookieHeader(token: string, options: { secure: boolean; maxAgeMs: number }): string {
  return cookieHeader(SESSION_COOKIE, token, '/', options);
}

/** The sign-in challenge's Set-Cookie value: like the session's, sent back to `/api/login` only. */
export function challengeCookieHeader(challenge: string, options: { secure: boolean; maxAgeMs: number }): string {
  return cookieHeader(CHALLENGE_COOKIE, challenge, '/api/login', options);
}

function cookieHeader(name: string, value: string, path: string, options: { secure: boolean; maxAgeMs: number }) {
  return [
    `${name}=${value}`,
    `Path=${path}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeMs / 1000))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
