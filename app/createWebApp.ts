import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Core } from '../core/boot.js';
import { commandCenterRoutes } from './commandCenter/commandCenterRoutes.js';
import type { Runtime } from './createRuntime.js';
import { smsRoutes } from './smsRoutes.js';
import { telegramRoutes } from './telegramRoutes.js';
import { whatsappCloudRoutes } from './whatsappCloudRoutes.js';

/**
 * The web role's HTTP application: health, the channels' webhooks; the Command Center mounts here.
 */
export function createWebApp(core: Core, runtime: Runtime): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy in production; the public URL comes from PUBLIC_BASE_URL, not from headers.
  app.get('/healthz', async (_req, res) => {
    try {
      await core.db.prisma.$queryRaw`SELECT 1`;
      res.json({ status: 'ok', database: core.db.kind, queues: runtime.redis ? 'redis' : 'in-process' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: core.db.kind });
    }
  });
  app.use(smsRoutes(core, runtime));
  app.use(telegramRoutes(core, runtime));
  app.use(whatsappCloudRoutes(core, runtime));
  app.use(commandCenterRoutes(core, runtime));
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    core.logger.error({ err: error, path: req.path }, 'request failed');
    res.status(500).type('text/plain').send('internal error');
  };
  app.use(onError);
  return app;
}
