import express, { type Express } from 'express';
import { channelModules } from '../bots/registry.js';
import type { Core } from '../core/boot.js';
import { commandCenterRoutes, sessionSecretOf } from './commandCenter/commandCenterRoutes.js';
import type { Runtime } from './createRuntime.js';
import { rateLimitRoutes, webhookRefusals } from './rateLimitRoutes.js';
import { privacyRoutes } from './privacyRoutes.js';
import { refuseOrFail } from './refuseOrFail.js';

/**
 * The web role's HTTP application: health, the channels' webhooks; the Command Center mounts here.
 * Every answer says `nosniff`; the routes strangers reach are rate limited per client; a request
 * the app cannot read keeps its 4xx and is logged without its body.
 */
export function createWebApp(core: Core, runtime: Runtime): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy in production; the public URL comes from PUBLIC_BASE_URL, not from headers.
  // Only the client's address may come from X-Forwarded-For, and only from the proxies TRUST_PROXY names.
  app.set('trust proxy', core.config.http.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.get('/healthz', async (_req, res) => {
    try {
      await core.db.prisma.$queryRaw`SELECT 1`;
      const warnings = core.cityWarnings();
      res.json({
        status: 'ok',
        database: core.db.kind,
        queues: runtime.redis ? 'redis' : 'in-process',
        ...(warnings.length > 0 ? { warnings } : {}),
      });
    } catch {
      res.status(503).json({ status: 'unavailable', database: core.db.kind });
    }
  });
  const sessionSecret = sessionSecretOf(core);
  app.use(rateLimitRoutes(core, runtime, sessionSecret));
  const refusals = webhookRefusals(core, runtime);
  for (const channel of channelModules()) if (channel.routes) app.use(channel.routes(core, runtime, refusals));
  app.use(commandCenterRoutes(core, runtime, { sessionSecret }));
  app.use(privacyRoutes(core));
  // An unknown API path answers as the API does, in JSON.
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'Tidak ada di sini.' });
  });
  app.use(refuseOrFail(core.logger));
  return app;
}
