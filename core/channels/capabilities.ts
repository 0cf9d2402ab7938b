import type { ChannelName } from '../conversation/types.js';

/**
 * What a channel can carry from the citizen (photos, shared locations), whether a flood from
 * one sender is throttled (the console is a local operator's terminal, fed scripts at speed),
 * and whether replies must be compact because every character costs (SMS). Each channel's
 * module declares its own (bots/channels.ts); the inbox is given them at boot.
 */
export interface ChannelCapabilities {
  media: boolean;
  location: boolean;
  throttled: boolean;
  compact: boolean;
}

/** The capabilities of the channels a process was booted with; a channel absent here cannot be received. */
export type ChannelCapabilityMap = Readonly<Partial<Record<ChannelName, Readonly<ChannelCapabilities>>>>;
