import type { ChannelName } from '../conversation/types.js';

/**
 * What each channel can carry from the citizen (photos, shared locations), whether a flood
 * from one sender is throttled (the console is a local operator's terminal, fed scripts at
 * speed), and whether replies must be compact because every character costs (SMS).
 */
export const CHANNEL_CAPABILITIES: Readonly<
  Record<ChannelName, { media: boolean; location: boolean; throttled: boolean; compact: boolean }>
> = {
  console: { media: false, location: false, throttled: false, compact: false },
  sms: { media: false, location: false, throttled: true, compact: true },
  telegram: { media: true, location: true, throttled: true, compact: false },
  whatsapp: { media: true, location: true, throttled: true, compact: false },
  // Outbound only: notifications and escalations.
  email: { media: false, location: false, throttled: true, compact: false },
};
