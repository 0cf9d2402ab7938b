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
}

/**
 * What a channel must do to deliver: draw the replies its own way (keyboard, numbered list,
 * "Balas 1/2/3") and send them. Throws when the provider refused or could not be reached.
 */
export interface ChannelSender {
  send(message: OutboundMessage): Promise<{ providerMessageId?: string | undefined }>;
}

/** The channels this process can deliver to. */
export type ChannelSenders = Partial<Record<ChannelName, ChannelSender>>;
