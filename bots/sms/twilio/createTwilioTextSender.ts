import twilio from 'twilio';
import type { SendSmsText } from '../createSmsSender.js';
import { toE164 } from '../smsAddress.js';

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or messaging service sid (MG...). */
  from: string;
  /** Where Twilio posts delivery statuses: PUBLIC_BASE_URL + /webhooks/twilio/status. */
  statusCallback: string;
  /** Injected in tests to reach a local fake of Twilio's API; Twilio's own client otherwise. */
  httpClient?: twilio.RequestClient | undefined;
}

/** Sends SMS texts through the twilio SDK's `messages.create`, with a status callback. */
export function createTwilioTextSender(options: TwilioSenderOptions): SendSmsText {
  const client = twilio(
    options.accountSid,
    options.authToken,
    options.httpClient ? { httpClient: options.httpClient } : {},
  );
  const sender = options.from.startsWith('MG') ? { messagingServiceSid: options.from } : { from: options.from };
  return async (to, body) => {
    const message = await client.messages.create({
      to: toE164(to),
      body,
      statusCallback: options.statusCallback,
      ...sender,
    });
    return message.sid;
  };
}
