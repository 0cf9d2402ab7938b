import type { ChannelModule } from '../ChannelModule.js';

/**
 * The console: a local operator's terminal chat (`npm run chat`, or the bot role with no channel
 * configured), fed scripts at speed, so never throttled. Its sender writes to that terminal and
 * comes with the chat (runConsoleChat), not from configuration.
 */
export const consoleChannel = {
  capabilities: { media: false, location: false, throttled: false, compact: false },
} satisfies ChannelModule;
