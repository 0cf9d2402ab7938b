import type { Router } from 'express';
import type { Runtime } from '../app/createRuntime.js';
import type { WebhookRefusal } from '../app/rateLimitRoutes.js';
import type { Core } from '../core/boot.js';
import type { ChannelCapabilities } from '../core/channels/capabilities.js';
import type { ChannelSender } from '../core/channels/ChannelSender.js';
import type { Config } from '../core/config/loadConfig.js';
import type { MediaFetcher } from '../core/media/storeMedia.js';
import { onFirstUse } from '../core/onFirstUse.js';
import type { ChannelSetup, MediaSetup } from './registry.js';
import type { WhatsAppWebMediaClient } from './whatsapp/web/createWebMediaFetcher.js';

/**
 * One channel, as the app wires it: what it carries, how it is configured, and the parts it
 * brings (a sender, webhook routes, a connection the bot role keeps). Every part but the
 * capabilities is optional: the console only chats in a terminal, email only sends. Each reads
 * its own piece of the configuration (loadConfig's `sms`, `telegram`, ...), and is absent
 * (null) when this deployment does not have the channel.
 * @example bots/sms/channelModule.ts; all of them sit in one map, bots/channels.ts.
 */
export interface ChannelModule {
  /** What the inbox expects of the channel (boot's `channels`). */
  capabilities: Readonly<ChannelCapabilities>;
  /**
   * How this deployment has the channel (its `mode`, shown when the process starts), and whether citizens
   * can write in on it (`receiving`); without any, the bot role offers the console chat.
   */
  status?(config: Config): { mode: string; receiving: boolean };
  /** The channel's sender and the messages per second it accepts; null when this process cannot send on it. */
  sender?(setup: ChannelSetup): { sender: ChannelSender; perSecond: number } | null;
  /** The channel's webhooks on the web role; an empty router when they are off. */
  routes?(core: Core, runtime: Runtime, refusals: WebhookRefusal): Router;
  /** What the bot role starts for the channel (long polling, a webhook registration); returns how to stop. */
  startBot?(core: Core, runtime: Runtime): Promise<() => Promise<void>>;
  /**
   * A session the bot role process holds (WhatsApp Web), opened before boot because the replies
   * leave and the photos come through it; null when there is none to hold.
   */
  openSession?(config: Config): Promise<ChannelSession | null>;
  /**
   * Reads the channel's own media references (Telegram's `tg-file:`, WhatsApp's `wa-media:` or
   * `wa-cloud-media:`, Twilio's `twilio-media:`) for the inbox to keep; null when off.
   */
  mediaFetcher?(setup: MediaSetup): ChannelMediaFetcher | null;
}

/**
 * A connection held by the bot role: what the channel's sender and media fetcher take from it,
 * and how to start and stop it.
 */
export interface ChannelSession {
  setup: { whatsappWebClient?: NonNullable<ChannelSetup['whatsappWebClient']> & WhatsAppWebMediaClient };
  start(core: Core, runtime: Runtime): () => Promise<void>;
}

/** Fetches the media references a channel owns. */
export interface ChannelMediaFetcher {
  owns(url: string): boolean;
  fetch: MediaFetcher;
}

/** The fetcher of a channel's references `<prefix><id>`: `fetchId` gets the id, the prefix cut off. */
export function prefixedMediaFetcher(prefix: string, fetchId: (id: string) => Promise<Buffer>): ChannelMediaFetcher {
  return { owns: (url) => url.startsWith(prefix), fetch: (ref) => fetchId(ref.url.slice(prefix.length)) };
}

/**
 * A channel's sender built when its first message goes out, so that its SDK is loaded only by a
 * process that sends on the channel (with Redis, the web role never does). A failed build fails
 * that send, and is tried again on the next.
 */
export function senderOnFirstUse(build: () => Promise<ChannelSender>): ChannelSender {
  const sender = onFirstUse(build);
  return { send: async (message) => (await sender()).send(message) };
}
