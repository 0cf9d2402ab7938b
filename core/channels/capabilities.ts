import type { ChannelName } from '../conversation/types.js';

/**
 * What each channel can carry from the citizen (photos, shared locations), and whether a flood
 * from one sender is throttled: the console is a local operator's terminal, fed scripts at speed.
 */
export const CHANNEL_CAPABILITIES: Readonly<
  Record<ChannelName, { media: boolean; location: boolean; throttled: boolean }>
> = {
  console: { media: false, location: false, throttled: false },
  sms: { media: false, location: false, throttled: true },
  telegram: { media: true, location: true, throttled: true },
  whatsapp: { media: true, location: true, throttled: true },
  // Outbound only: notifications and escalations.
  email: { media: false, location: false, throttled: true },
};
