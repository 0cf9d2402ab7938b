import { randomUUID } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import { newLoginChallenge } from '../../core/officers/loginChallenge.js';
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

const SENT_MESSAGE =
  'Jika nomor atau alamat itu milik petugas aktif, kode masuk sudah dikirim ke sana lewat bot. Kode berlaku 10 menit.';

/** The officer as the board shows them. */
export function describeOfficer(core: Core, officer: Officer) {
  return {
    id: officer.id,
    name: officer.name,
    role: officer.role,
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
 * (202 and a fresh challenge cookie), and does its work after answering, so not even the timing
 * tells. The code works only with that challenge, so a stranger who knows the handle can neither
 * cancel it nor spend its tries. Logout ends every session of the officer (their session version).
 */
export function loginRoutes(core: Core, runtime: Runtime, options: LoginOptions): Router {
  const router = express.Router();
  const body = express.json({ limit: '4kb' });

  /** The officer this browser is known as (they signed in on it before), if any. */
  const knownDevice = (req: Request) => {
    const claims = readDevice(cookieValue(req.headers.cookie, DEVICE_COOKIE), options.secret, core.clock().getTime());
    return claims ? { officerId: claims.sub, deviceId: claims.dev } : null;
  };

  router.post('/api/login/request', body, (req, res) => {
    const handle = textOf((req.body as Record<string, unknown> | undefined)?.handle, 100);
    if (!handle || handle.length < 3) {
      res.status(400).json({ error: 'bad_request', message: 'Isi nomor HP atau alamat chat Anda.' });
      return;
    }
    const challenge = newLoginChallenge();
    res.setHeader(
      'Set-Cookie',
      challengeCookieHeader(challenge, { secure: options.secure, maxAgeMs: LOGIN_CODE_TTL_MS }),
    );
    res.status(202).json({ status: 'sent', message: SENT_MESSAGE });
    void (async () => {
      const outcome = await requestLoginCode(core.db.prisma, {
        handle,
        challenge,
        client: req.ip ?? req.socket.remoteAddress ?? '',
        device: knownDevice(req),
        now: core.clock(),
        secret: options.secret,
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
      res.status(400).json({ error: 'bad_request', message: 'Isi nomor HP atau alamat chat dan kodenya.' });
      return;
    }
    const now = core.clock();
    const challenge = cookieValue(req.headers.cookie, CHALLENGE_COOKIE) ?? '';
    const officer = await verifyLoginCode(core.db.prisma, { handle, code, challenge, now, secret: options.secret });
    if (!officer) {
      res.status(401).json({
        error: 'invalid_code',
        message: 'Kode salah, kedaluwarsa atau sudah dipakai. Setelah 5 kali salah, minta kode baru.',
      });
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
    res.json(describeOfficer(core, officer));
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
      res.status(401).json({ error: 'not_signed_in', message: 'Silakan masuk.' });
      return;
    }
    res.json(describeOfficer(core, officer));
  });

  return router;
}
