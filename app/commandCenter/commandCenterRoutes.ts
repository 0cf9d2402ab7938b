import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Runtime } from '../createRuntime.js';
import { boardRoutes } from './boardRoutes.js';
import { ChangeFeed, readCaseMark } from './ChangeFeed.js';
import { loginRoutes } from './loginRoutes.js';
import { open311Routes } from './open311Routes.js';
import { signedInOfficer } from './signedInOfficer.js';

export interface CommandCenterOptions {
  /** How often the change feed looks for changed cases while a board is open. */
  pollMs?: number;
}

/**
 * The Command Center: the live board (`/board`, `/board/tv`), its JSON API and event stream
 * (`/api/...`), officers' sign-in by one-time code, and Open311 GeoReport v2 (`/open311/v2`).
 */
export function commandCenterRoutes(core: Core, runtime: Runtime, options: CommandCenterOptions = {}): Router {
  const settings = core.config.commandCenter;
  let secret = settings.sessionSecret;
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    core.logger.warn(
      'SESSION_SECRET is unset: a random one was made for this process, so Command Center sign-ins do not survive a restart and work on this process only',
    );
  }
  const sessionSecret = secret;
  const feed = new ChangeFeed(() => readCaseMark(core.db.prisma), options.pollMs ?? 1000, core.logger);
  const router = express.Router();
  router.use(
    loginRoutes(core, runtime, {
      secret: sessionSecret,
      secure: core.config.publicBaseUrl?.startsWith('https://') ?? false,
    }),
  );
  router.use(
    boardRoutes(core, {
      officerOf: (req) => signedInOfficer(core, sessionSecret, req),
      feed,
      tvWallToken: settings.tvWallToken,
      streams: settings.streams,
    }),
  );
  router.use('/open311/v2', open311Routes(core, runtime, settings.open311ApiKeys));
  return router;
}
