import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { RecipientOptedOut } from '../../../core/channels/RecipientOptedOut.js';
import type { SendSmsText } from '../createSmsSender.js';
import { toE164 } from '../smsAddress.js';
import { TWILIO_UNSUBSCRIBED } from './twilioErrorCodes.js';

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or messaging service sid (MG...). */
  from: string;
  /** Where Twilio posts delivery statuses: PUBLIC_BASE_URL + /webhooks/twilio/status. */
  statusCallback: string;
  /** Twilio's REST API (TWILIO_API_ROOT): `https://api.twilio.com`, or a local stand-in. */
  apiRoot?: string | undefined;
  /** Injected in tests to reach a local fake of Twilio's API; Twilio's own client otherwise. */
  httpClient?: twilio.RequestClient | undefined;
}

const TWILIO_API_ROOT = 'https://api.twilio.com';

/**
 * Sends SMS texts through the twilio SDK's `messages.create`, with a status callback; lists what
 * Twilio accepted for a number (its Message list, newest first) for a send that may have been
 * cut off.
 */
export function createTwilioTextSender(options: TwilioSenderOptions): SendSmsText {
  const httpClient =
    options.httpClient ??
    (options.apiRoot && options.apiRoot !== TWILIO_API_ROOT ? rootedRequestClient(options.apiRoot) : undefined);
  const client = twilio(options.accountSid, options.authToken, httpClient ? { httpClient } : {});
  const viaService = options.from.startsWith('MG');
  const sender = viaService ? { messagingServiceSid: options.from } : { from: options.from };
  const send = async (to: string, body: string) => {
    try {
      const message = await client.messages.create({
        to: toE164(to),
        body,
        statusCallback: options.statusCallback,
        ...sender,
      });
      return message.sid;
    } catch (error) {
      // https://www.twilio.com/docs/errors/21610: the number replied STOP to this sender; Twilio
      // refuses every message to it until it replies START.
      if ((error as { code?: unknown }).code === TWILIO_UNSUBSCRIBED) {
        throw new RecipientOptedOut('twilio-21610', 'Twilio 21610: the recipient unsubscribed (replied STOP)');
      }
      throw error;
    }
  };
  return Object.assign(send, {
    async acceptedSince(to: string, since: Date) {
      // Messages still queued at Twilio have no DateSent yet: filter on their creation instead.
      const listed = await client.messages.list({
        to: toE164(to),
        ...(viaService ? {} : { from: options.from }),
        limit: 50,
      });
      return listed
        .filter((m) => m.dateCreated && m.dateCreated.getTime() >= since.getTime())
        .map((m) => ({ id: m.sid, body: m.body }));
    },
  });
}

/**
 * Twilio's API host as the SDK writes it: `https://api.twilio.com`, or with an edge and region
 * when TWILIO_EDGE / TWILIO_REGION are set (`https://api.sydney.au1.twilio.com`), which the
 * configured root replaces just the same.
 */
const TWILIO_API_HOST = /^https:\/\/api(?:\.[a-z0-9-]+)*\.twilio\.com/;

/**
 * Twilio's own RequestClient, with its API host swapped for another root: a regional edge, a
 * Twilio-compatible API (which may sit under a path), or a local stand-in.
 */
function rootedRequestClient(apiRoot: string): twilio.RequestClient {
  class RootedRequestClient extends twilio.RequestClient {
    override request<T>(opts: RequestClient.RequestOptions<T>) {
      return super.request<T>({ ...opts, uri: opts.uri.replace(TWILIO_API_HOST, apiRoot) });
    }
  }
  return new RootedRequestClient();
}
