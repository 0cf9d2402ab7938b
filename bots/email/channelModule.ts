import { senderOnFirstUse, type ChannelModule } from '../ChannelModule.js';

/**
 * Email over SMTP (on when SMTP_URL is set). Outbound only: notifications and escalations.
 * nodemailer is loaded with the first email this process sends.
 */
export const emailChannel = {
  capabilities: { media: false, location: false, throttled: true, compact: false },
  sender: ({ config: { email } }) =>
    email
      ? {
          sender: senderOnFirstUse(async () => (await import('./createEmailSender.js')).createEmailSender(email)),
          perSecond: 10,
        }
      : null,
} satisfies ChannelModule;
