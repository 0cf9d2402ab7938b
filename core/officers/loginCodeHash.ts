import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizePhone } from '../domain/phone.js';

/** How a sign-in handle is compared: a phone number in any spelling is one handle. */
export function handleKey(handle: string): string {
  const raw = handle.trim();
  return normalizePhone(raw) ?? raw;
}

/**
 * A sign-in code's HMAC-SHA256 under the server's secret, bound to the code's row and to the
 * handle it was asked for: checking handle and code is one hash and one constant-time compare.
 */
export function loginCodeHash(secret: string, codeId: string, handle: string, code: string): string {
  return createHmac('sha256', secret)
    .update(`${codeId}:${handleKey(handle)}:${code}`)
    .digest('hex');
}

/** Compares two hex hashes in constant time; a missing or odd-length one matches nothing. */
export function loginCodeMatches(actualHash: string, storedHash: string): boolean {
  const actual = Buffer.from(actualHash, 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  // Compare anyway when the lengths differ, so a missing row costs what a wrong code costs.
  const same = timingSafeEqual(actual, stored.length === actual.length ? stored : actual);
  return same && stored.length === actual.length && actual.length > 0;
}
