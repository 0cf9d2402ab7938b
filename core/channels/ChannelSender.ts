import type { RenderedReply } from '../i18n/createTranslator.js';
import type { ChannelName, Lang } from '../conversation/types.js';

/** One outbox row, in words, handed to a channel to deliver. */
export interface OutboundMessage {
  /** The outbox row id; providers may use it to make a send idempotent. */
  id: string;
  channel: ChannelName;
  address: string;
  lang: Lang;
  replies: RenderedReply[];
  urgent: boolean;
  /**
   * Set when the provider may already hold this message, or its first texts: an earlier hand-over
   * was never settled (its process died mid-send) or failed after part of it went out. A sender
   * that can ask its provider what it accepted skips those texts and reports their ids; one that
   * cannot sends again (see the README's reliability section for what that costs).
   */
  resume?: SendResume;
  /**
   * A second attempt at a message the provider reported undeliverable in its usual form (WhatsApp:
   * free text outside the 24-hour window): the sender uses its fallback form (WhatsApp Cloud: the
   * approved template), or throws when it has none.
   */
  fallback?: true;
}

/** Where to look for what the provider already accepted of a message. */
export interface SendResume {
  /** The first hand-over of this message, less a margin for clocks; nothing older is its own. */
  since: Date;
  /** Provider ids of other messages to the same address, which are not this one's. */
  otherProviderIds: readonly string[];
}

/**
 * What a channel must do to deliver: draw the replies its own way (keyboard, numbered list,
 * "Balas 1/2/3") and send them. Throws when the provider refused or could not be reached; an
 * error with a numeric `retryAfterMs` (a provider's rate limit) says when to try again.
 */
export interface ChannelSender {
  send(message: OutboundMessage): Promise<{ providerMessageId?: string | undefined }>;
}

/** The channels this process can deliver to. */
export type ChannelSenders = Partial<Record<ChannelName, ChannelSender>>;
