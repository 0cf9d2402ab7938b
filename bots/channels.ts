import type { ChannelCapabilities } from '../core/channels/capabilities.js';
import type { ChannelName } from '../core/conversation/types.js';
import type { ChannelModule } from './ChannelModule.js';
import { consoleChannel } from './console/channelModule.js';
import { emailChannel } from './email/channelModule.js';
import { smsChannel } from './sms/channelModule.js';
import { telegramChannel } from './telegram/channelModule.js';
import { whatsappChannel } from './whatsapp/channelModule.js';

/**
 * Every channel, one line each: the web app mounts their routes, the bot role starts them, the
 * runtime builds their senders and the inbox reads their capabilities from here. A new channel
 * is its folder with a `channelModule.ts` and a line here (and its name in ChannelName and the
 * Prisma enum Channel, which the compiler and test/channels.test.ts hold to this map).
 */
export const CHANNEL_MODULES: Readonly<Record<ChannelName, ChannelModule>> = {
  console: consoleChannel,
  sms: smsChannel,
  telegram: telegramChannel,
  whatsapp: whatsappChannel,
  email: emailChannel,
} satisfies Record<ChannelName, ChannelModule>;

/** What each channel carries, as its module declares it: what boot() gives the inbox. */
export const CHANNEL_CAPABILITIES = Object.fromEntries(
  Object.entries(CHANNEL_MODULES).map(([name, module]) => [name, module.capabilities]),
) as Readonly<Record<ChannelName, Readonly<ChannelCapabilities>>>;
