import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Bot API call the fake received. */
export interface TelegramApiCall {
  method: string;
  params: Record<string, unknown>;
}

/** How the fake answers the next call of a method instead of succeeding. */
export type TelegramApiFailure =
  | { kind: 'error'; status: number; description: string; retryAfter?: number }
  /** The connection is cut before any answer, like a network failure. */
  | { kind: 'drop' };

/** The bot as getMe describes it. */
export const FAKE_BOT = {
  id: 7000000001,
  is_bot: true,
  first_name: 'LayanKota',
  username: 'LayanKotaBot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as const;

/**
 * A local stand-in for Telegram's Bot API (the outside world) on 127.0.0.1: routes
 * `/bot<token>/<method>` and file downloads `/file/bot<token>/<path>` for one token, records
 * every call, serves queued updates to long
 * polling (holding an empty poll briefly, as Telegram holds it up to `timeout`), and can be told
 * to fail the next call of a method, e.g. with 429 and `retry_after`.
 * Queued updates are served as queued, whatever the offset: that is how Telegram repeats updates
 * to a poller that restarted before confirming them, so a test can deliver one twice.
 */
export class FakeTelegramApi {
  readonly calls: TelegramApiCall[] = [];
  /** Calls answered with a failure, for the checks that a failure happened. */
  readonly failed: TelegramApiCall[] = [];
  baseUrl = '';
  private server: Server | null = null;
  private pending: unknown[] = [];
  private wake: Array<() => void> = [];
  private failures = new Map<string, TelegramApiFailure[]>();
  private messageId = 1000;

  /** @param holdMs how long an empty getUpdates is held before it answers []. */
  constructor(
    readonly token: string,
    private readonly holdMs = 300,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Hands an update to the next long poll. */
  queueUpdate(update: unknown): void {
    this.pending.push(update);
    for (const wake of this.wake.splice(0)) wake();
  }

  /** Makes the next call of `method` fail as given (once per call to this). */
  failNext(method: string, failure: TelegramApiFailure): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), failure]);
  }

  /** The calls of one method, optionally only those to one chat. */
  callsOf(method: string, chatId?: string | number): TelegramApiCall[] {
    return this.calls.filter(
      (c) => c.method === method && (chatId === undefined || String(c.params.chat_id) === String(chatId)),
    );
  }

  async stop(): Promise<void> {
    for (const wake of this.wake.splice(0)) wake();
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += (chunk as Buffer).toString('utf8');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
    if (download && download[1] === this.token) {
      this.calls.push({ method: 'file', params: { file_path: download[2] } });
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fakeFileBytes(download[2] ?? ''));
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!match) {
      answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    if (match[1] !== this.token) {
      answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const method = match[2] ?? '';
    const params = parseParams(body, req.headers['content-type']);
    const call = { method, params };

    const failure = this.failures.get(method)?.shift();
    if (failure) {
      this.failed.push(call);
      if (failure.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      answer(res, failure.status, {
        ok: false,
        error_code: failure.status,
        description: failure.description,
        ...(failure.retryAfter === undefined ? {} : { parameters: { retry_after: failure.retryAfter } }),
      });
      return;
    }
    this.calls.push(call);

    switch (method) {
      case 'getMe':
        return answer(res, 200, { ok: true, result: FAKE_BOT });
      case 'getUpdates':
        return answer(res, 200, { ok: true, result: await this.nextUpdates(res, Number(params.limit ?? 100)) });
      case 'sendMessage':
        return answer(res, 200, {
          ok: true,
          result: {
            message_id: ++this.messageId,
            from: FAKE_BOT,
            chat: { id: Number(params.chat_id), type: 'private', first_name: 'Warga' },
            date: Math.floor(Date.now() / 1000),
            text: params.text,
          },
        });
      case 'getFile':
        return answer(res, 200, {
          ok: true,
          result: {
            file_id: params.file_id,
            file_unique_id: `u-${String(params.file_id)}`,
            file_size: fakeFileBytes(`photos/${String(params.file_id)}.jpg`).length,
            file_path: `photos/${String(params.file_id)}.jpg`,
          },
        });
      default:
        // answerCallbackQuery, setWebhook, deleteWebhook and the rest answer true.
        return answer(res, 200, { ok: true, result: true });
    }
  }

  /** Whatever is queued, or after a short hold nothing; a poll cut by the client gets nothing. */
  private async nextUpdates(res: ServerResponse, limit: number): Promise<unknown[]> {
    if (this.pending.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.holdMs);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
        res.once('close', resolve);
      });
    }
    // Updates handed to a poll the client already cut would be lost.
    if (res.destroyed) return [];
    return this.pending.splice(0, limit);
  }
}

/** The bytes the fake serves for a file: a JPEG start marker and the path, so each file differs. */
export function fakeFileBytes(filePath: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(filePath)]);
}

function parseParams(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
