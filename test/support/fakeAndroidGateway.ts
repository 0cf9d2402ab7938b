import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the fake gateway accepted. */
export interface AndroidGatewayCall {
  /** The Authorization header as sent. */
  authorization: string | undefined;
  text: string;
  phoneNumbers: string[];
  /** Whether the sender asked for a delivery report (the gateway's default is yes). */
  withDeliveryReport: boolean;
  id: string;
}

/**
 * A local stand-in for SMS Gateway for Android's local HTTP API (the phone on the office desk):
 * `POST /message` with HTTP basic auth and `{ textMessage: { text }, phoneNumbers }`, answered
 * with `{ id, state: 'Pending' }`. Wrong credentials get 401; it can be told to fail.
 */
export class FakeAndroidGateway {
  readonly calls: AndroidGatewayCall[] = [];
  /** While set, every send is refused with this HTTP status. */
  failWith: number | null = null;
  refused = 0;
  unauthorized = 0;
  baseUrl = '';
  private server: Server | null = null;
  private serial = 0;

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  async start(): Promise<void> {
    const expectedAuth = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const json = (status: number, value: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (req.method !== 'POST' || req.url !== '/message') {
          json(404, { message: 'not found' });
          return;
        }
        if (req.headers.authorization !== expectedAuth) {
          this.unauthorized++;
          json(401, { message: 'unauthorized' });
          return;
        }
        if (this.failWith !== null) {
          this.refused++;
          json(this.failWith, { message: 'fake outage' });
          return;
        }
        let parsed: { textMessage?: { text?: unknown }; phoneNumbers?: unknown; withDeliveryReport?: unknown };
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          json(400, { message: 'body is not JSON' });
          return;
        }
        const text = parsed.textMessage?.text;
        const phoneNumbers = parsed.phoneNumbers;
        if (typeof text !== 'string' || !Array.isArray(phoneNumbers)) {
          json(400, { message: 'textMessage.text and phoneNumbers are required' });
          return;
        }
        const id = `msg-${String(++this.serial).padStart(6, '0')}`;
        this.calls.push({
          authorization: req.headers.authorization,
          text,
          phoneNumbers: phoneNumbers.map(String),
          withDeliveryReport: parsed.withDeliveryReport !== false,
          id,
        });
        json(202, { id, state: 'Pending' });
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.close();
    await once(this.server, 'close');
  }
}

/** The gateway's webhook signature: hex HMAC-SHA256 of the raw body followed by the timestamp. */
export function signAndroidWebhook(signingKey: string, rawBody: string, timestamp: string): string {
  return createHmac('sha256', signingKey).update(rawBody).update(timestamp).digest('hex');
}

/**
 * Posts a webhook body to our endpoint, signed as the gateway signs it at `timestampS` (Unix
 * seconds); `signature` replaces the real one to forge a request.
 */
export async function postSignedAndroid(
  url: string,
  signingKey: string,
  body: unknown,
  timestampS: number,
  signature?: string,
): Promise<Response> {
  const raw = JSON.stringify(body);
  const timestamp = String(timestampS);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-timestamp': timestamp,
      'x-signature': signature ?? signAndroidWebhook(signingKey, raw, timestamp),
    },
    body: raw,
  });
}
