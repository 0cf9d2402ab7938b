import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../core/log/createLogger.js';
import { sendOpen311Error } from './commandCenter/open311Answer.js';

/** What a refused request is told, per kind of route; never anything from its body. */
const REFUSED = 'Permintaan tidak dapat dibaca.';

/**
 * The web app's last error handler. An error that carries a 4xx status (body-parser's malformed
 * JSON, a body too large, a bad encoding or charset, an aborted upload) keeps it, with a short
 * answer, and is logged as status, path and error type only: body-parser's errors carry the raw
 * body, and their messages quote it. Anything else is a 500, logged through the redacting logger.
 */
export function refuseOrFail(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = statusOf(error);
    const path = req.path;
    if (status >= 400 && status < 500) {
      const errorType = typeof error?.type === 'string' ? error.type : 'request.invalid';
      logger.warn({ status, path, errorType }, 'request refused');
      if (res.headersSent) return void res.end();
      if (path.startsWith('/open311/')) sendOpen311Error(req, res, status, errorType);
      else if (path.startsWith('/api/')) res.status(status).json({ error: errorType, message: REFUSED });
      else res.status(status).type('text/plain').send(errorType);
      return;
    }
    logger.error({ err: error, path }, 'request failed');
    if (res.headersSent) return void res.end();
    res.status(500).type('text/plain').send('internal error');
  };
}

/** The HTTP status an error asks for (http-errors' `status` or `statusCode`), else 500. */
function statusOf(error: unknown): number {
  const candidate = (error as { status?: unknown; statusCode?: unknown } | null) ?? {};
  const status = candidate.status ?? candidate.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
}
