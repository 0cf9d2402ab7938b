import type { ChannelSenders } from '../core/channels/ChannelSender.js';
import type { Config } from '../core/config/loadConfig.js';
import type { ChannelName } from '../core/conversation/types.js';
import type { Translator } from '../core/i18n/createTranslator.js';
import { fetchMedia, type MediaFetcher } from '../core/media/storeMedia.js';
import { CHANNEL_MODULES } from './channels.js';
import type { ChannelModule, ChannelSession } from './ChannelModule.js';
import type { TwilioSenderOptions } from './sms/twilio/createTwilioTextSender.js';
import type { WhatsAppWebMediaClient } from './whatsapp/web/createWebMediaFetcher.js';
import type { WhatsAppWebSendingClient } from './whatsapp/web/createWhatsAppWebSender.js';

/** Hooks at the network edge, for tests to reach local fakes of the providers. */
export interface ProviderOverrides {
  twilioHttpClient?: TwilioSenderOptions['httpClient'];
  fetch?: typeof fetch;
}

/** What the channels' senders are built from. */
export interface ChannelSetup {
  config: Config;
  cityName: string;
  /** The whatsapp-web.js session this process holds (the bot role, WHATSAPP_MODE=web); only it can send. */
  whatsappWebClient?: WhatsAppWebSendingClient | undefined;
  translator: Translator;
  overrides?: ProviderOverrides;
}

/** What the channels' media fetchers are built from. */
export interface MediaSetup {
  config: Config;
  /** The whatsapp-web.js session this process holds; only it can download its messages' files. */
  whatsappWebClient?: WhatsAppWebMediaClient | undefined;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch | undefined;
}

const modules = Object.entries(CHANNEL_MODULES) as Array<[ChannelName, ChannelModule]>;

/**
 * Every channel this deployment can send on, from configuration, with the messages per second
 * each accepts (provider and sending number). Channels without credentials are simply absent;
 * their outbox rows wait for a process that has them.
 */
export function createChannelSenders(setup: ChannelSetup): {
  senders: ChannelSenders;
  rates: Partial<Record<ChannelName, number>>;
} {
  const senders: ChannelSenders = {};
  const rates: Partial<Record<ChannelName, number>> = {};
  for (const [name, module] of modules) {
    const made = module.sender?.(setup);
    if (!made) continue;
    senders[name] = made.sender;
    rates[name] = made.perSecond;
  }
  return { senders, rates };
}

/**
 * Fetches the bytes behind a media reference for the core to keep: a channel's own references
 * (`tg-file:<file_id>`, `wa-media:<message id>`, `wa-cloud-media:<media id>`,
 * `twilio-media:<MediaUrl>`) through that channel's API with its credentials (each channel
 * module's `mediaFetcher`), anything else (data:, file:, http) as the core does. A channel not
 * configured here refuses its references.
 */
export function createMediaFetcher(config: Config, edge: Omit<MediaSetup, 'config'> = {}): MediaFetcher {
  const fetchers = modules.flatMap(([, module]) => module.mediaFetcher?.({ config, ...edge }) ?? []);
  return (ref) => (fetchers.find((f) => f.owns(ref.url))?.fetch ?? fetchMedia)(ref);
}

/**
 * The sessions the bot role holds for its channels (WhatsApp Web), opened before boot: the media
 * fetcher and the runtime's senders take their clients.
 */
export async function openChannelSessions(config: Config): Promise<ChannelSession[]> {
  const sessions: ChannelSession[] = [];
  for (const [, module] of modules) {
    const session = await module.openSession?.(config);
    if (session) sessions.push(session);
  }
  return sessions;
}

/** Each channel's mode for the start log line, and whether citizens can write in on any of them. */
export function channelStatus(config: Config): { modes: Partial<Record<ChannelName, string>>; receiving: boolean } {
  const modes: Partial<Record<ChannelName, string>> = {};
  let receiving = false;
  for (const [name, module] of modules) {
    const status = module.status?.(config);
    if (!status) continue;
    modes[name] = status.mode;
    receiving ||= status.receiving;
  }
  return { modes, receiving };
}

/** The channel modules, for the web app and the bot role to loop over. */
export function channelModules(): ReadonlyArray<ChannelModule> {
  return modules.map(([, module]) => module);
}
