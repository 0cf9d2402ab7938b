import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks the `X-Telegram-Bot-Api-Secret-Token` header of a webhook request against the secret
 * given to setWebhook, in constant time. Telegram sends it on every webhook call; anyone else
 * posting to the URL does not know it.
 */
export function verifyTelegramSecret(secret: string, header: string | undefined): boolean {
  if (!header) return false;
  // Hashing first makes both sides the same length, so the comparison leaks nothing about it.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(secret), digest(header));
}
