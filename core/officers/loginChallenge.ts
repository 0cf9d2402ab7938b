import { createHmac, randomBytes } from 'node:crypto';

/**
 * A fresh sign-in challenge: 32 random bytes, base64url (43 characters), for the cookie of the
 * browser that asks for a code. Only that browser can use the code, or spend its tries.
 */
export function newLoginChallenge(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a challenge (never the challenge): its HMAC under the server's secret. */
export function loginChallengeHash(secret: string, challenge: string): string {
  return createHmac('sha256', secret).update(`challenge:${challenge}`).digest('hex');
}

/** What is stored of the client (an IP address) that asked for a code: a short HMAC, to count by. */
export function loginClientHash(secret: string, client: string): string {
  return createHmac('sha256', secret).update(`client:${client}`).digest('hex').slice(0, 32);
}
