import { createHmac, timingSafeEqual } from 'node:crypto';

/** A sign-in code's HMAC-SHA256 under the server's secret, bound to the code's row. */
export function loginCodeHash(secret: string, codeId: string, code: string): string {
  return createHmac('sha256', secret).update(`${codeId}:${code}`).digest('hex');
}

/** Compares a typed code with a stored hash in constant time. */
export function loginCodeMatches(secret: string, codeId: string, code: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(loginCodeHash(secret, codeId, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
