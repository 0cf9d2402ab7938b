import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message post the fake Graph API received. */
export interface GraphCall {
  path: string;
  authorization: string | undefined;
  body: {
    to?: string;
    type?: string;
    text?: { body?: string };
    interactive?: { type?: string; body?: { text?: string } };
    template?: { name?: string; language?: { code?: string }; components?: unknown[] };
  };
  /** The wamid given back, or null when refused. */
  id: string | null;
}

/**
 * A local stand-in for the WhatsApp Cloud API's Graph endpoint (the outside world): it accepts
 * `POST /{version}/{phone number id}/messages`, records each post, and can refuse free-form
 * messages with an error code (131047 when the 24-hour window is closed) while accepting templates,
 * or refuse templates for a while (a temporary Graph error).
 */
export class FakeGraphApi {
  readonly calls: GraphCall[] = [];
  /** While set, every message that is not a template is refused with this Graph error code. */
  refuseFreeFormWith: number | null = null;
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
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: call.id }],
        });
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

/** The text a citizen would read in a recorded message: a text's body or an interactive message's body. */
export function graphText(call: GraphCall): string {
  return call.body.text?.body ?? call.body.interactive?.body?.text ?? '';
}
