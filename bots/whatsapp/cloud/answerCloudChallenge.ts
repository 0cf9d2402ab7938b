import { createHash, timingSafeEqual } from 'node:crypto';

/** The query Meta sends to subscribe a webhook: `hub.mode`, `hub.verify_token`, `hub.challenge`. */
export type CloudChallengeQuery = Record<string, unknown>;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The answer to Meta's webhook subscription check: the `hub.challenge` to echo when the mode is
 * `subscribe` and `hub.verify_token` is ours (compared in constant time), null otherwise.
 * @example answerCloudChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }, token) // '1158201444'
 */
export function answerCloudChallenge(query: CloudChallengeQuery, verifyToken: string): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge === '') {
    return null;
  }
  return timingSafeEqual(digest(token), digest(verifyToken)) ? challenge : null;
}
