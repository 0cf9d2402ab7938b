import express, { type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Officer } from '../../core/generated/prisma/client.js';
import { requestLoginCode } from '../../core/officers/requestLoginCode.js';
import { verifyLoginCode } from '../../core/officers/verifyLoginCode.js';
import type { Runtime } from '../createRuntime.js';
import { SESSION_TTL_MS, sessionCookieHeader, signSession } from './sessionCookie.js';
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
 * `POST /api/login/request {handle}` answers the same whether or not the handle is an officer's,
 * and does its work after answering, so not even the timing tells.
 */
export function loginRoutes(core: Core, runtime: Runtime, options: LoginOptions): Router {
  const router = express.Router();
  const body = express.json({ limit: '4kb' });

  router.post('/api/login/request', body, (req, res) => {
    const handle = textOf((req.body as Record<string, unknown> | undefined)?.handle, 100);
    if (!handle || handle.length < 3) {
      res.status(400).json({ error: 'bad_request', message: 'Isi nomor HP atau alamat chat Anda.' });
      return;
    }
    res.status(202).json({ status: 'sent', message: SENT_MESSAGE });
    void (async () => {
      const outcome = await requestLoginCode(core.db.prisma, {
        handle,
        now: core.clock(),
        secret: options.secret,
        language: core.config.defaultLanguage,
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
    const officer = await verifyLoginCode(core.db.prisma, { handle, code, now, secret: options.secret });
    if (!officer) {
      res.status(401).json({
        error: 'invalid_code',
        message: 'Kode salah, kedaluwarsa atau sudah dipakai. Setelah 5 kali salah, minta kode baru.',
      });
      return;
    }
    const token = signSession({ sub: officer.id, exp: now.getTime() + SESSION_TTL_MS }, options.secret);
    res.setHeader('Set-Cookie', sessionCookieHeader(token, { secure: options.secure, maxAgeMs: SESSION_TTL_MS }));
    core.logger.info({ officerId: officer.id, role: officer.role }, 'officer signed in to the command center');
    res.json(describeOfficer(core, officer));
  });

  router.post('/api/logout', (_req, res) => {
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
