import type { ChannelName } from '../conversation/types.js';

interface Identity {
  channel: ChannelName;
  address: string;
  optedOutAt: Date | null;
}

/**
 * Where a citizen is told something: the identity they wrote from last (newest first in
 * `identities`), the terminal chat only when there is nothing else, and one that opted out (a
 * blocked bot, an unsubscribed or STOPped number) only when no other is left: its message is
 * then suppressed, which the outbox shows.
 * @example preferredIdentity([blockedTelegram, whatsapp], false) // whatsapp
 */
export function preferredIdentity<T extends Identity>(identities: readonly T[], smsOptOut: boolean): T | undefined {
  const reachable = identities.filter((i) => !i.optedOutAt && !(i.channel === 'sms' && smsOptOut));
  const pick = (list: readonly T[]) => list.find((i) => i.channel !== 'console') ?? list[0];
  return pick(reachable) ?? pick(identities);
}
