import nodemailer from 'nodemailer';
import type { ChannelSender } from '../../core/channels/ChannelSender.js';

export interface EmailSenderOptions {
  /** smtp://user:pass@host:587 or smtps://...; from configuration. */
  smtpUrl: string;
  from: string;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The email channel: nodemailer over SMTP. An email outbox row's first reply is the subject,
 * the rest the body, sent as plain text and as simple HTML.
 */
export function createEmailSender(options: EmailSenderOptions): ChannelSender {
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    async send(message) {
      const [subject, ...body] = message.replies;
      const paragraphs = body.map((r) => r.text);
      const info = await transport.sendMail({
        from: options.from,
        to: message.address,
        subject: subject?.text ?? '',
        text: paragraphs.join('\n\n'),
        html: paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n'),
      });
      return { providerMessageId: info.messageId };
    },
  };
}
