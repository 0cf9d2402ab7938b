import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/** One message the fake Twilio API accepted. */
export interface TwilioCall {
  To: string;
  From: string;
  Body: string;
  StatusCallback?: string;
  sid: string;
  /** When the fake accepted it. */
  at: Date;
  /** The path it was posted to, and the account of its basic auth. */
  path: string;
  user: string;
}

/** One request for MMS media: at the API (with or without credentials) or at the media host it redirects to. */
export interface TwilioMediaCall {
  host: 'api' | 'media';
  path: string;
  authorization: string | undefined;
}

/**
 * A local stand-in for Twilio's REST API (the outside world): it accepts `Messages.json`
 * posts, records them, lists them back (`GET Messages.json?To=&From=`, newest first, as
 * Twilio's Message list does), and can be told to fail, like a provider having a bad day, or
 * to hold its answers: a held message is accepted (it is in `calls` and in the list) but the
 * sender hears nothing until `release()`, as when a process dies while Twilio answers.
 * It serves inbound MMS media as Twilio's Media resource does: `GET
 * /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}` with HTTP basic auth
 * answers a 307 redirect to the media on a host of its own (another origin, as Twilio's media
 * CDN is), which serves the bytes.
 */
export class FakeTwilioApi {
  readonly calls: TwilioCall[] = [];
  /** Media by its sid (ME...), served at the media URLs of `mediaUrl`. */
  readonly media = new Map<string, { bytes: Buffer; mimeType: string }>();
  readonly mediaCalls: TwilioMediaCall[] = [];
  /** The basic auth (account SID, auth token) media requests must carry. */
  credentials: { accountSid: string; authToken: string } | null = null;
  private mediaHost: Server | null = null;
  mediaHostUrl = '';
  /** While set, every send is refused with this HTTP status. */
  failWith: number | null = null;
  /** While set, accepted messages are answered only at `release()`. */
  hold = false;
  /**
   * Numbers (E.164) that replied STOP to the sender: a message to one is refused with Twilio's
   * error 21610 (https://www.twilio.com/docs/errors/21610), in the body Twilio's API answers errors with.
   */
  readonly unsubscribed = new Set<string>();
  refused = 0;
  private server: Server | null = null;
  private serial = 0;
  private held: Array<() => void> = [];
  baseUrl = '';

  /** Answers every held message now and stops holding. */
  release(): void {
    this.hold = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const [pathname, query = ''] = (req.url ?? '').split('?');
        const media = /^\/2010-04-01\/Accounts\/AC\w+\/Messages\/\w+\/Media\/(ME\w+)$/.exec(pathname ?? '');
        if (req.method === 'GET' && media) {
          this.mediaCalls.push({ host: 'api', path: pathname ?? '', authorization: req.headers.authorization });
          const { accountSid, authToken } = this.credentials ?? { accountSid: '', authToken: '' };
          const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
          if (!this.credentials || req.headers.authorization !== expected) {
            res
              .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Twilio API"' })
              .end('{"code":20003,"message":"Authenticate","status":401}');
          } else if (!this.media.has(media[1] ?? '')) {
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"message":"not found"}');
          } else {
            res.writeHead(307, { location: `${this.mediaHostUrl}/media.twiliocdn.com/${media[1]}` }).end();
          }
          return;
        }
        // A Twilio-compatible API may serve Twilio's paths under a prefix of its own.
        const match = /^(?:\/[\w-]+)*\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(pathname ?? '');
        if (req.method === 'GET' && match) {
          const filter = new URLSearchParams(query);
          const to = filter.get('To');
          const from = filter.get('From');
          const pageSize = Number(filter.get('PageSize') ?? 50);
          const found = this.calls
            .filter((c) => (!to || c.To === to) && (!from || c.From === from))
            .reverse()
            .slice(0, pageSize);
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              messages: found.map((c) => ({
                sid: c.sid,
                account_sid: match[1],
                to: c.To,
                from: c.From,
                body: c.Body,
                status: 'sent',
                date_created: c.at.toUTCString(),
                date_sent: c.at.toUTCString(),
              })),
              end: Math.max(0, found.length - 1),
              first_page_uri: req.url,
              next_page_uri: null,
              page: 0,
              page_size: pageSize,
              previous_page_uri: null,
              start: 0,
              uri: req.url,
            }),
          );
          return;
        }
        if (req.method !== 'POST' || !match) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"message":"not found"}');
          return;
        }
        if (this.failWith !== null) {
          this.refused++;
          res
            .writeHead(this.failWith, { 'content-type': 'application/json' })
            .end(JSON.stringify({ code: 20500, message: 'fake outage', status: this.failWith }));
          return;
        }
        const form = Object.fromEntries(new URLSearchParams(body));
        if (form.To && this.unsubscribed.has(form.To)) {
          this.refused++;
          res.writeHead(400, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              code: 21610,
              message: 'Attempt to send to unsubscribed recipient',
              more_info: 'https://www.twilio.com/docs/errors/21610',
              status: 400,
            }),
          );
          return;
        }
        const sid = `SM${String(++this.serial).padStart(32, '0')}`;
        this.calls.push({
          To: form.To ?? '',
          From: form.From ?? '',
          Body: form.Body ?? '',
          StatusCallback: form.StatusCallback,
          sid,
          at: new Date(),
          path: pathname ?? '',
          user:
            Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
              .toString('utf8')
              .split(':')[0] ?? '',
        });
        const answer = () =>
          res.writeHead(201, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              sid,
              account_sid: match[1],
              to: form.To,
              from: form.From,
              body: form.Body,
              status: 'queued',
            }),
          );
        if (this.hold) this.held.push(answer);
        else answer();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.mediaHost = createServer((req, res) => {
      this.mediaCalls.push({ host: 'media', path: req.url ?? '', authorization: req.headers.authorization });
      const found = this.media.get(/\/media\.twiliocdn\.com\/(ME\w+)$/.exec(req.url ?? '')?.[1] ?? '');
      if (!found) res.writeHead(404).end();
      else
        res.writeHead(200, { 'content-type': found.mimeType, 'content-length': found.bytes.length }).end(found.bytes);
    });
    this.mediaHost.listen(0, '127.0.0.1');
    await once(this.mediaHost, 'listening');
    this.mediaHostUrl = `http://127.0.0.1:${(this.mediaHost.address() as AddressInfo).port}`;
  }

  /** The MediaUrl Twilio's webhook gives for a media of a message, as on https://api.twilio.com. */
  static mediaUrl(accountSid: string, messageSid: string, mediaSid: string): string {
    return `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
  }

  /** The real twilio RequestClient, with Twilio's host swapped for this fake. */
  httpClient(): twilio.RequestClient {
    const base = (): string => this.baseUrl;
    class LocalRequestClient extends twilio.RequestClient {
      override request<T>(opts: RequestClient.RequestOptions<T>) {
        return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, base()) });
      }
    }
    return new LocalRequestClient();
  }

  async stop(): Promise<void> {
    if (this.mediaHost) {
      this.mediaHost.close();
      await once(this.mediaHost, 'close');
    }
    if (!this.server) return;
    this.held = [];
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** Posts a form to one of our webhooks, signed as Twilio would sign it for `publicUrl`. */
export async function postSignedTwilio(
  publicUrl: string,
  authToken: string,
  form: Record<string, string>,
  signature = twilio.getExpectedTwilioSignature(authToken, publicUrl, form),
): Promise<Response> {
  return fetch(publicUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form).toString(),
  });
}
