import type { ChannelName } from '../conversation/types.js';

/** What each channel can carry from the citizen: photos, shared locations. */
export const CHANNEL_CAPABILITIES: Readonly<Record<ChannelName, { media: boolean; location: boolean }>> = {
  console: { media: false, location: false },
  sms: { media: false, location: false },
  telegram: { media: true, location: true },
  whatsapp: { media: true, location: true },
};
