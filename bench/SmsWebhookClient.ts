import { randomBytes } from 'node:crypto';
import http from 'node:http';
import twilio from 'twilio';

export const WEBHOOK_PATH = '/webhooks/twilio/sms';

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  /** The city's number, which citizens write to. */
  cityNumber: string;
  /** The public base URL the app is configured with (PUBLIC_BASE_URL): signatures cover it. */
  publicBaseUrl: string;
}

export interface PostResult {
  status: number;
  /** The response was the empty TwiML the webhook answers with. */
  twiml: boolean;
}

/**
 * Posts inbound SMS webhooks as Twilio does (its full form, signed with X-Twilio-Signature over
 * the public URL) over keep-alive connections, round-robin over one or more local ports as a
 * load balancer in front of several web processes would.
 */
export class SmsWebhookClient {
  private readonly agents: http.Agent[];
  private readonly run = randomBytes(6).toString('hex');
  private serial = 0;
  private turn = 0;
  /** Webhooks answered 200 with the empty TwiML so far. */
  answered = 0;

  constructor(
    private readonly account: TwilioAccount,
    private readonly ports: readonly number[],
    maxSockets: number,
  ) {
    this.agents = ports.map(() => new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }));
  }

  /** The form Twilio posts for one inbound SMS. */
  form(from: string, body: string): Record<string, string> {
    const sid = `SM${this.run}${String(++this.serial).padStart(20, '0')}`;
    return {
      ToCountry: 'ID',
      ToState: '',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: body,
      FromCountry: 'ID',
      To: this.account.cityNumber,
      ToZip: '',
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: this.account.accountSid,
      From: from,
      ApiVersion: '2010-04-01',
    };
  }

  /** Sends one SMS webhook and resolves when the whole response is in. */
  post(from: string, body: string): Promise<PostResult> {
    const form = this.form(from, body);
    const signature = twilio.getExpectedTwilioSignature(
      this.account.authToken,
      `${this.account.publicBaseUrl}${WEBHOOK_PATH}`,
      form,
    );
    const payload = new URLSearchParams(form).toString();
    const i = this.turn++ % this.ports.length;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.ports[i],
          method: 'POST',
          path: WEBHOOK_PATH,
          agent: this.agents[i],
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(payload),
            'x-twilio-signature': signature,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const result = { status: res.statusCode ?? 0, twiml: text.includes('<Response></Response>') };
            if (result.status === 200 && result.twiml) this.answered++;
            resolve(result);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}
