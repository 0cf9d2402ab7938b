import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a Cloud API webhook: `X-Hub-Signature-256` is `sha256=` and the hex HMAC-SHA256 of the
 * raw body under the Meta app secret. Compared in constant time; a missing or malformed header fails.
 * @example verifyCloudSignature(appSecret, rawBody, req.header('x-hub-signature-256'))
 */
export function verifyCloudSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!hex) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}
