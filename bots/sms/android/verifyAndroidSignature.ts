import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the webhook's X-Timestamp may be from now before a request is taken for a replay. */
export const ANDROID_SIGNATURE_MAX_SKEW_S = 300;

/**
 * Checks an SMS Gateway for Android webhook: `X-Signature` is the hex HMAC-SHA256, under the
 * signing key, of the raw body followed by the `X-Timestamp` header (Unix seconds), which must be
 * recent.
 */
export function verifyAndroidSignature(
  signingKey: string,
  rawBody: Buffer,
  signature: string | undefined,
  timestamp: string | undefined,
  nowMs: number,
): boolean {
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > ANDROID_SIGNATURE_MAX_SKEW_S) return false;
  const expected = createHmac('sha256', signingKey)
    .update(Buffer.concat([rawBody, Buffer.from(timestamp)]))
    .digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
