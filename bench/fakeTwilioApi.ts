import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for Twilio's REST API that accepts every message and only counts them. */
export interface FakeTwilioApi {
  baseUrl: string;
  /** Messages accepted so far. */
  accepted(): number;
  stop(): Promise<void>;
}

/**
 * Starts the fake on a free port, answering each message after `latencyMs`. Unlike the tests' fake it keeps no record of the messages,
 * so a long run does not grow it.
 */
export async function startFakeTwilioApi(latencyMs = 0): Promise<FakeTwilioApi> {
  let serial = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"message":"not found"}');
        return;
      }
      const sid = `SM${String(++serial).padStart(32, '0')}`;
      const answer = () =>
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid, account_sid: match[1], status: 'queued' }));
      // A provider's own time to accept a message (Twilio's API takes tens of milliseconds).
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => serial,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
