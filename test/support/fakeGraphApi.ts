import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message post the fake Graph API received. */
export interface GraphCall {
  path: string;
  authorization: string | undefined;
  body: {
    to?: string;
    recipient?: string;
    type?: string;
    text?: { body?: string };
    interactive?: { type?: string; body?: { text?: string } };
    template?: { name?: string; language?: { code?: string }; components?: unknown[] };
  };
  /** The wamid given back, or null when refused. */
  id: string | null;
}

/** A file a citizen sent, as Graph holds it for download; `declared` overrides what the lookup says of it. */
export interface GraphMedia {
  bytes: Buffer;
  mimeType: string;
  declared?: { sha256?: string; file_size?: number | string };
}

/** One media call the fake received: the lookup of a media id, or the download of its url. */
export interface GraphMediaCall {
  kind: 'lookup' | 'download';
  mediaId: string;
  authorization: string | undefined;
}

/**
 * A local stand-in for the WhatsApp Cloud API's Graph endpoint (the outside world): it accepts
 * `POST /{version}/{phone number id}/messages`, records each post, and can refuse free-form
 * messages with an error code (131047 when the 24-hour window is closed) while accepting templates,
 * or refuse templates for a while (a temporary Graph error).
 * It serves media a citizen sent as the Cloud API's Media reference describes: `GET
 * /{version}/{media id}` answers `{ messaging_product, url, mime_type, sha256, file_size, id }`
 * and that url (shaped as Graph's lookaside.fbsbx.com download links) gives the bytes, both only
 * with the bearer token.
 */
export class FakeGraphApi {
  readonly calls: GraphCall[] = [];
  /** Media by id, served to `GET /{version}/{media id}`. */
  readonly media = new Map<string, GraphMedia>();
  readonly mediaCalls: GraphMediaCall[] = [];
  /** While set, every message that is not a template is refused with this Graph error code. */
  refuseFreeFormWith: number | null = null;
  /** The token media calls must carry; unset, any is taken. */
  token: string | undefined;
  /** While set, every template is refused with HTTP 500 and Graph's temporary error 131000 (try again later). */
  refuseTemplates = false;
  baseUrl = '';
  private server: Server | null = null;
  private serial = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method === 'GET') {
          this.serveMedia(req.url ?? '', req.headers.authorization, res, json);
          return;
        }
        if (req.method !== 'POST' || !/^\/v\d+\.\d+\/\d+\/messages$/.test(req.url ?? '')) {
          json(404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
          return;
        }
        const body = JSON.parse(raw) as GraphCall['body'];
        const call: GraphCall = { path: req.url ?? '', authorization: req.headers.authorization, body, id: null };
        this.calls.push(call);
        if (this.refuseFreeFormWith !== null && body.type !== 'template') {
          json(400, {
            error: {
              message: `(#${this.refuseFreeFormWith}) Message failed to send`,
              type: 'OAuthException',
              code: this.refuseFreeFormWith,
              error_data: { messaging_product: 'whatsapp', details: 'refused by the fake' },
              fbtrace_id: 'A1b2C3d4',
            },
          });
          return;
        }
        if (this.refuseTemplates && body.type === 'template') {
          json(500, {
            error: { message: 'Something went wrong', type: 'OAuthException', code: 131000, fbtrace_id: 'A1b2C3d5' },
          });
          return;
        }
        call.id = `wamid.FAKE${String(++this.serial).padStart(8, '0')}`;
        json(200, {
          messaging_product: 'whatsapp',
          contacts: [
            body.to === undefined
              ? { input: body.recipient, user_id: body.recipient }
              : { input: body.to, wa_id: body.to },
          ],
          messages: [{ id: call.id }],
        });
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private serveMedia(
    url: string,
    authorization: string | undefined,
    res: ServerResponse,
    json: (status: number, body: unknown) => void,
  ): void {
    const lookup = /^\/v\d+\.\d+\/(\d+)$/.exec(url);
    const download = /^\/whatsapp_business\/attachments\/\?mid=(\d+)&/.exec(url);
    const mediaId = lookup?.[1] ?? download?.[1];
    if (!mediaId) {
      json(404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
      return;
    }
    this.mediaCalls.push({ kind: lookup ? 'lookup' : 'download', mediaId, authorization });
    if (this.token !== undefined && authorization !== `Bearer ${this.token}`) {
      json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      return;
    }
    const media = this.media.get(mediaId);
    if (!media) {
      json(400, {
        error: {
          message: `Unsupported get request. Object with ID '${mediaId}' does not exist`,
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
        },
      });
      return;
    }
    if (download) {
      res.writeHead(200, { 'content-type': media.mimeType, 'content-length': media.bytes.length }).end(media.bytes);
      return;
    }
    json(200, {
      messaging_product: 'whatsapp',
      url: `${this.baseUrl}/whatsapp_business/attachments/?mid=${mediaId}&ext=1795838700&hash=ATuCz0c7_fake`,
      mime_type: media.mimeType,
      sha256: media.declared?.sha256 ?? createHash('sha256').update(media.bytes).digest('hex'),
      file_size: media.declared?.file_size ?? media.bytes.length,
      id: mediaId,
    });
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.close();
    await once(this.server, 'close');
  }
}

/** The text a citizen would read in a recorded message: a text's body or an interactive message's body. */
export function graphText(call: GraphCall): string {
  return call.body.text?.body ?? call.body.interactive?.body?.text ?? '';
}
