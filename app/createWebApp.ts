import express, { type Express } from 'express';
import type { Core } from '../core/boot.js';

/**
 * The web role's HTTP application: health now; webhooks and the Command Center API mount here.
 */
export function createWebApp(core: Core): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    try {
      await core.db.prisma.$queryRaw`SELECT 1`;
      res.json({ status: 'ok', database: core.db.kind, city: core.city.name });
    } catch {
      res.status(503).json({ status: 'unavailable', database: core.db.kind });
    }
  });
  return app;
}
