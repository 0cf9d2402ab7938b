import type { ChannelModule } from '../ChannelModule.js';
import { createEmailSender } from './createEmailSender.js';

/** Email over SMTP (on when SMTP_URL is set). Outbound only: notifications and escalations. */
export const emailChannel = {
  capabilities: { media: false, location: false, throttled: true, compact: false },
  sender: ({ config: { email } }) => (email ? { sender: createEmailSender(email), perSecond: 10 } : null),
} satisfies ChannelModule;
