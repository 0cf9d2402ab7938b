import { randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import type { Lang } from '../../core/conversation/types.js';
import { newLoginChallenge } from '../../core/officers/loginChallenge.js';
import { LOGIN_CODES_PER_CLIENT_HOUR, loginCodeRetryAt } from '../../core/officers/loginCodeRetryAt.js';
import { LOGIN_CODE_TTL_MS, requestLoginCode } from '../../core/officers/requestLoginCode.js';
import { verifyLoginCode } from '../../core/officers/verifyLoginCode.js';
import type { Runtime } from '../createRuntime.js';
import {
  CHALLENGE_COOKIE,
  challengeCookieHeader,
  cookieValue,
  DEVICE_COOKIE,
  DEVICE_TTL_MS,
  deviceCookieHeader,
  readDevice,
  readSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  sessionCookieHeader,
  signDevice,
  signSession,
} from './sessionCookie.js';
import { signedInOfficer } from './signedInOfficer.js';
import { viewerScope } from './viewerScope.js';

export interface LoginOptions {
  secret: string;
  /** Whether the board is served over HTTPS: the cookie is then Secure. */
  secure: boolean;
}

/** The officer as the board shows them, their role in the viewer's words. */
export function describeOfficer(core: Core, officer: Officer, lang: Lang = core.defaultLanguage) {
  return {
    id: officer.id,
    name: officer.name,
    role: officer.role,
    roleLabel: core.translator.t(lang, { key: `commandCenter.role.${officer.role}` }),
    departmentCode: officer.departmentCode,
    departmentName: core.city.departments.find((d) => d.code === officer.departmentCode)?.name ?? null,
    sees: viewerScope(officer).all ? ('all' as const) : ('department' as const),
  };
}

const textOf = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= max ? value.trim() : null;

/**
 * Sign-in by a one-time code the bot sends to the officer's linked chat account. No passwords:
 * `POST /api/login/request {handle}` answers the same whether or not the handle is an officer's
 * (202 and a fresh challenge cookie, or 429 past this client's hourly limit for that handle), and
 * does its work after answering, so not even the timing tells. The code works only with that challenge, so a stranger who knows the handle can neither
 * cancel it nor spend its tries. Logout ends every session of the officer (their session version).
 */
export function loginRoutes(core: Core, runtime: Runtime, options: LoginOptions): Router {
  const router = express.Router();
  const body = express.json({ limit: '4kb' });
  const t = (lang: Lang, key: string) => core.translator.t(lang, { key });
  const langOf = (req: Request): Lang =>
    req.query.lang === 'en' || req.query.lang === 'id' ? req.query.lang : core.defaultLanguage;
  /** "14.05" (id) or "14:05" (en), in the city's zone. */
  const cityTime = (at: Date, lang: Lang) =>
    new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
      timeZone: core.city.timezone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at);

  /** The officer this browser is known as (they signed in on it before), if any. */
  const knownDevice = (req: Request) => {
    const claims = readDevice(cookieValue(req.headers.cookie, DEVICE_COOKIE), options.secret, core.clock().getTime());
    return claims ? { officerId: claims.sub, deviceId: claims.dev } : null;
  };

  router.post('/api/login/request', body, async (req, res) => {
    const lang = langOf(req);
    const handle = textOf((req.body as Record<string, unknown> | undefined)?.handle, 100);
    if (!handle || handle.length < 3) {
      res.status(400).json({ error: 'bad_request', message: t(lang, 'commandCenter.login.noHandle') });
      return;
    }
    const now = core.clock();
    const asker = {
      handle,
      client: req.ip ?? req.socket.remoteAddress ?? '',
      device: knownDevice(req),
      secret: options.secret,
    };
    // Past the hourly limit the asker is told so, and when to try again, rather than "sent" for a
    // code that never comes. The count is per client and handle as typed, the same for a handle
    // that names nobody, so this answer tells no more than the 202 does. (The per-officer cap of
    // requestLoginCode, which strangers from many addresses can reach, stays silent: telling it
    // would tell who is an officer.)
    const retryAt = await loginCodeRetryAt(core.db.prisma, asker, now);
    if (retryAt) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000))));
      res.status(429).json({
        error: 'code_limit',
        message: core.translator.t(lang, {
          key: 'commandCenter.login.limited',
          params: { limit: LOGIN_CODES_PER_CLIENT_HOUR, time: cityTime(retryAt, lang), zone: core.city.timezoneLabel },
        }),
        retryAt: retryAt.toISOString(),
      });
      return;
    }
    const challenge = newLoginChallenge();
    res.setHeader(
      'Set-Cookie',
      challengeCookieHeader(challenge, { secure: options.secure, maxAgeMs: LOGIN_CODE_TTL_MS }),
    );
    res.status(202).json({ status: 'sent', message: t(lang, 'commandCenter.login.sent') });
    void (async () => {
      const outcome = await requestLoginCode(core.db.prisma, {
        ...asker,
        challenge,
        now,
        language: core.defaultLanguage,
      });
      if (outcome.status === 'sent') await runtime.dispatcher.dispatch([outcome.outbox]);
      if (outcome.status !== 'unknown')
        core.logger.info({ officerId: outcome.officerId, outcome: outcome.status }, 'sign-in code requested');
    })().catch((error: unknown) => core.logger.error({ err: error }, 'sign-in code request failed'));
  });

  router.post('/api/login/verify', body, async (req, res) => {
    const input = req.body as Record<string, unknown> | undefined;
    const handle = textOf(input?.handle, 100);
    const code = textOf(input?.code, 20);
    if (!handle || !code) {
      res.status(400).json({ error: 'bad_request', message: t(langOf(req), 'commandCenter.login.missing') });
      return;
    }
    const now = core.clock();
    const challenge = cookieValue(req.headers.cookie, CHALLENGE_COOKIE) ?? '';
    const officer = await verifyLoginCode(core.db.prisma, { handle, code, challenge, now, secret: options.secret });
    if (!officer) {
      res.status(401).json({ error: 'invalid_code', message: t(langOf(req), 'commandCenter.login.invalidCode') });
      return;
    }
    const token = signSession(
      { sub: officer.id, ver: officer.sessionVersion, exp: now.getTime() + SESSION_TTL_MS },
      options.secret,
    );
    // This browser is now known as the officer's: it asks for codes on a count of its own.
    const known = knownDevice(req);
    const device = signDevice(
      {
        sub: officer.id,
        dev: known?.officerId === officer.id ? known.deviceId : randomUUID(),
        exp: now.getTime() + DEVICE_TTL_MS,
      },
      options.secret,
    );
    res.setHeader('Set-Cookie', [
      sessionCookieHeader(token, { secure: options.secure, maxAgeMs: SESSION_TTL_MS }),
      challengeCookieHeader('', { secure: options.secure, maxAgeMs: 0 }),
      deviceCookieHeader(device, { secure: options.secure, maxAgeMs: DEVICE_TTL_MS }),
    ]);
    core.logger.info({ officerId: officer.id, role: officer.role }, 'officer signed in to the command center');
    res.json(describeOfficer(core, officer, langOf(req)));
  });

  router.post('/api/logout', async (req, res) => {
    const claims = readSession(cookieValue(req.headers.cookie, SESSION_COOKIE), options.secret, core.clock().getTime());
    if (claims) {
      // Every cookie signed at this version stops working, on every device.
      const ended = await core.db.prisma.officer.updateMany({
        where: { id: claims.sub, sessionVersion: claims.ver },
        data: { sessionVersion: { increment: 1 } },
      });
      if (ended.count > 0) core.logger.info({ officerId: claims.sub }, 'officer signed out of the command center');
    }
    res.setHeader('Set-Cookie', sessionCookieHeader('', { secure: options.secure, maxAgeMs: 0 }));
    res.status(204).end();
  });

  router.get('/api/me', async (req, res) => {
    const officer = await signedInOfficer(core, options.secret, req);
    if (!officer) {
      res.status(401).json({ error: 'not_signed_in', message: t(langOf(req), 'commandCenter.login.notSignedIn') });
      return;
    }
    res.json(describeOfficer(core, officer, langOf(req)));
  });

  return router;
}
