import type { MediaRefusal } from '../conversation/types.js';

/**
 * A photo that cannot be kept, and why, as the citizen is told: larger than the limit, not a
 * photo, or not to be had from the channel (a failed or expired download). Any other error a
 * fetcher throws counts as `unavailable`.
 * @example throw new MediaRefused('tooLarge', 'Graph says 12582912 bytes');
 */
export class MediaRefused extends Error {
  constructor(
    readonly reason: MediaRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'MediaRefused';
  }
}
