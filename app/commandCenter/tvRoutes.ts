import path from 'node:path';
import express, { type Router } from 'express';
import type { Core } from '../../core/boot.js';
import type { Lang } from '../../core/conversation/types.js';
import { noStore, securityHeaders, WEB_DIR } from './boardRoutes.js';
import { readTvBoard } from './tvBoard.js';
import { tvWallAllowed } from './tvWallToken.js';

export interface TvOptions {
  /** Unset: the TV wall is open (it shows no personal data). */
  tvWallToken: string | undefined;
}

/**
 * The TV wall: its page `/board/tv` and its data `/api/board/tv` (the city's figures, per
 * department, and the overdue cases with their holders). No sign-in; with TV_WALL_TOKEN set,
 * both need `?token=`. Its event stream is the board's `/api/events?token=`.
 */
export function tvRoutes(core: Core, options: TvOptions): Router {
  const router = express.Router();
  const langOf = (lang: unknown): Lang => (lang === 'en' || lang === 'id' ? lang : core.defaultLanguage);

  router.use(['/board/tv', '/api/board/tv'], securityHeaders);
  router.use('/api/board/tv', noStore);

  router.get('/api/board/tv', async (req, res) => {
    if (!tvWallAllowed(req, options.tvWallToken)) {
      res.status(403).json({ error: 'forbidden', message: 'Token TV salah.' });
      return;
    }
    res.json(await readTvBoard(core.db.prisma, core.city, core.translator, core.clock(), langOf(req.query.lang)));
  });

  router.get('/board/tv', (req, res) => {
    if (!tvWallAllowed(req, options.tvWallToken)) {
      res.status(403).type('text/plain').send('Token TV salah atau tidak ada.');
      return;
    }
    res.sendFile(path.join(WEB_DIR, 'tv.html'));
  });
  return router;
}
