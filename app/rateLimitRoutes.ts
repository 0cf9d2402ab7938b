import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { IncrementResponse } from 'express-rate-limit';
import type { Core } from '../core/boot.js';
import type { RateLimitConfig } from '../core/config/loadConfig.js';
import { cookieValue, readSession, SESSION_COOKIE } from './commandCenter/sessionCookie.js';
import type { Runtime } from './createRuntime.js';
import { sendOpen311Error } from './commandCenter/open311Answer.js';

/** How a limited route answers 429: officers' and citizens' routes in words, machines' in their format. */
type Answer = 'json' | 'open311' | 'text';

const TOO_MANY = 'Terlalu banyak permintaan dari alamat Anda. Coba lagi sebentar lagi.';

/**
 * The Redis store, able to recover from a Redis that was away when it loaded its scripts: the
 * library keeps the failed load and would let every request through until a restart; here a
 * failed count loads them again for the next request (this one passes, as on any store error).
 */
export class RecoveringRedisStore extends RedisStore {
  override async increment(key: string): Promise<IncrementResponse> {
    try {
      return await super.increment(key);
    } catch (error) {
      this.incrementScriptSha = this.loadIncrementScript();
      this.getScriptSha = this.loadGetScript();
      // Each load is awaited by the next count; an unawaited failure here must not crash the process.
      this.incrementScriptSha.catch(() => undefined);
      this.getScriptSha.catch(() => undefined);
      throw error;
    }
  }
}

/**
 * rate-limit-redis's commands on a Redis Cluster. Its SCRIPT LOAD has no key, so the client sends
 * it to any node, while its EVALSHA goes to the node of the counted key: NOSCRIPT there, and its
 * one retry may load the script on yet another node. Here SCRIPT LOAD is answered without Redis
 * (a script's id is its SHA-1, as Redis would answer), and an EVALSHA meeting a node without the
 * script runs it there with EVAL, which also caches it on that node.
 */
export function clusterSendCommand(cluster: Cluster): (command: string, ...args: string[]) => Promise<RedisReply> {
  const scripts = new Map<string, string>();
  return async (command, ...args) => {
    const name = command.toUpperCase();
    if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && args[1] !== undefined) {
      const sha = createHash('sha1').update(args[1]).digest('hex');
      scripts.set(sha, args[1]);
      return sha;
    }
    if (name === 'EVALSHA') {
      try {
        return (await cluster.call(command, ...args)) as RedisReply;
      } catch (error) {
        const script = scripts.get(args[0] ?? '');
        if (!script || !/^NOSCRIPT/.test((error as Error).message)) throw error;
        return (await cluster.call('EVAL', script, ...args.slice(1))) as RedisReply;
      }
    }
    return (await cluster.call(command, ...args)) as RedisReply;
  };
}

/**
 * Makes limiters per client address (`req.ip`, which `TRUST_PROXY` decides), counted in Redis
 * when the runtime has it (every web process shares the count, keys under the runtime's prefix),
 * in memory otherwise; a Redis that fails lets the request through rather than refuse everyone.
 * Over a limit: 429 with `Retry-After`, in the route's own format.
 */
function limiterFactory(core: Core, runtime: Runtime) {
  const limits: RateLimitConfig = core.config.http.rateLimits;
  const logger = {
    error: (error: unknown, message?: string) => core.logger.warn({ err: error }, message ?? 'rate limit store error'),
    warn: (error: unknown, message?: string) => core.logger.warn({ err: error }, message ?? 'rate limit warning'),
  };

  const storeFor = (name: string): Store | undefined => {
    const redis = runtime.requestRedis;
    if (!redis) return undefined;
    return new RecoveringRedisStore({
      sendCommand:
        redis instanceof Cluster
          ? clusterSendCommand(redis)
          : (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
      prefix: `${runtime.keyPrefix}:rl:${name}:`,
    });
  };

  const limiter = (
    name: string,
    limit: number,
    answer: Answer,
    how: { perRoute?: boolean; skip?: (req: Request) => boolean } = {},
  ): RequestHandler =>
    rateLimit({
      // Requests it skips are neither counted nor refused.
      skip: how.skip ?? (() => false),
      windowMs: limits.windowMs,
      limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: storeFor(name),
      passOnStoreError: true,
      logger,
      keyGenerator: (req: Request) => {
        const client = ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
        return how.perRoute ? `${req.baseUrl}${req.path}:${client}` : client;
      },
      handler: (req: Request, res: Response) => {
        const info = (req as Request & { rateLimit?: { used: number; limit: number } }).rateLimit;
        // Once per client and window, not once per refused request.
        if (info && info.used === info.limit + 1) {
          core.logger.warn({ limit: name, path: `${req.baseUrl}${req.path}` }, 'rate limit reached');
        }
        const retryAfter = res.getHeader('Retry-After');
        if (answer === 'json') res.status(429).json({ error: 'too_many_requests', message: TOO_MANY });
        else if (answer === 'open311')
          sendOpen311Error(req, res, 429, `too many requests; retry after ${retryAfter} seconds`);
        else res.status(429).type('text/plain').send('too many requests');
      },
    });

  return limiter;
}

/**
 * Per-client rate limits on the routes strangers can reach: sign-in (request and verify), Open311
 * (reads and writes apart) and new event streams not signed in. A client is its address, never
 * the handle typed, so nobody can use up an officer's sign-ins. Mounted before the routes
 * themselves, by path, so they need no change. Webhooks: see webhookRefusals.
 */
export function rateLimitRoutes(core: Core, runtime: Runtime, sessionSecret: string): Router {
  const limits: RateLimitConfig = core.config.http.rateLimits;
  const limiter = limiterFactory(core, runtime);
  const router = express.Router();
  router.post('/api/login/request', limiter('login-request', limits.loginRequest, 'json'));
  router.post('/api/login/verify', limiter('login-verify', limits.loginVerify, 'json'));
  // A signed-in officer's streams are capped per officer (boardRoutes); this counts everyone else,
  // so anonymous streams from an officer's address (an office behind one NAT) never refuse theirs.
  const signedIn = (req: Request) =>
    readSession(cookieValue(req.headers.cookie, SESSION_COOKIE), sessionSecret, core.clock().getTime()) !== null;
  router.get('/api/events', limiter('events', limits.events, 'json', { skip: signedIn }));
  const open311Read = limiter('open311-read', limits.open311Read, 'open311');
  const open311Write = limiter('open311-write', limits.open311Write, 'open311');
  router.use('/open311/v2', (req, res, next) =>
    (req.method === 'GET' || req.method === 'HEAD' ? open311Read : open311Write)(req, res, next),
  );
  // DATA SAYA copy links: a token is a secret like a sign-in code, so guesses get that limit.
  router.use('/data-saya', limiter('data-saya', limits.loginVerify, 'text'));
  return router;
}

/** Answers a webhook call that failed its signature check: `refuse` (403), or 429 past the limit. */
export type WebhookRefusal = (req: Request, res: Response, refuse: () => void) => void;

/**
 * The limit on refused webhook calls, per route and client address. It is consulted only once a
 * call has failed its signature check, so a correctly signed call is never refused, whatever
 * arrives beside it from the same address (a provider's few shared addresses, a proxy without
 * TRUST_PROXY): Twilio does not retry an SMS webhook. Past the limit the forger gets 429 instead
 * of 403, and the log one line a window instead of one a call.
 */
export function webhookRefusals(core: Core, runtime: Runtime): WebhookRefusal {
  const limiter = limiterFactory(core, runtime)('webhooks', core.config.http.rateLimits.webhooks, 'text', {
    perRoute: true,
  });
  return (req, res, refuse) => void limiter(req, res, refuse);
}
