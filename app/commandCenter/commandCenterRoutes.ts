import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Runtime } from '../createRuntime.js';
import { boardRoutes } from './boardRoutes.js';
import { caseRoutes } from './caseRoutes.js';
import { ChangeFeed, readCaseWatermarks } from './ChangeFeed.js';
import { loginRoutes } from './loginRoutes.js';
import { open311Routes } from './open311Routes.js';
import { signedInOfficer } from './signedInOfficer.js';
import { tvRoutes } from './tvRoutes.js';

export interface CommandCenterOptions {
  /** What session cookies are signed with (see sessionSecretOf). */
  sessionSecret: string;
  /** How often the change feed looks for changed cases while a board is open. */
  pollMs?: number;
}

/**
 * The key session cookies are signed with: SESSION_SECRET, or a random one for this process
 * (sign-ins then do not survive a restart, and it says so).
 */
export function sessionSecretOf(core: Core): string {
  const configured = core.config.commandCenter.sessionSecret;
  if (configured) return configured;
  core.logger.warn(
    'SESSION_SECRET is unset: a random one was made for this process, so Command Center sign-ins do not survive a restart and work on this process only',
  );
  return randomBytes(32).toString('hex');
}

/**
 * The Command Center: the live board (`/board`, `/board/tv`), its JSON API and event stream
 * (`/api/...`), officers' sign-in by one-time code, and Open311 GeoReport v2 (`/open311/v2`).
 */
export function commandCenterRoutes(core: Core, runtime: Runtime, options: CommandCenterOptions): Router {
  const settings = core.config.commandCenter;
  const { sessionSecret } = options;
  const feed = new ChangeFeed(() => readCaseWatermarks(core.db.prisma), options.pollMs ?? 1000, core.logger);
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
      exportMaxRows: settings.exportMaxRows,
    }),
  );
  router.use(tvRoutes(core, { tvWallToken: settings.tvWallToken }));
  router.use(caseRoutes(core, { officerOf: (req) => signedInOfficer(core, sessionSecret, req) }));
  router.use('/open311', open311Routes(core, runtime, settings.open311ApiKeys));
  return router;
}
