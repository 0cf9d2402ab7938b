import type { OptOutReason } from './providerOptOut.js';

/**
 * Thrown by a sender when the provider refuses because the recipient opted out (Twilio 21610:
 * "Attempt to send to unsubscribed recipient"; Telegram 403 "bot was blocked by the user"). No retry can pass: the outbox records the
 * opt-out on the identity and stops sending there until the citizen writes again.
 */
export class RecipientOptedOut extends Error {
  constructor(
    readonly reason: OptOutReason,
    message: string,
  ) {
    super(message);
    this.name = 'RecipientOptedOut';
  }
}
