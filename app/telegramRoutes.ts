import express, { type Router } from 'express';
import { verifyTelegramSecret } from '../bots/telegram/verifyTelegramSecret.js';
import type { Core } from '../core/boot.js';
import { onFirstUse } from '../core/onFirstUse.js';
import type { Runtime } from './createRuntime.js';
import type { WebhookRefusal } from './rateLimitRoutes.js';

/** Where Telegram posts updates in webhook mode: PUBLIC_BASE_URL + this path. */
export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

/**
 * Telegram's webhook, in webhook mode. A request without the secret token given to setWebhook
 * (header `X-Telegram-Bot-Api-Secret-Token`) gets 403 before its body is read. A failure answers
 * 500, so Telegram delivers the update again; the update id makes the repeat harmless.
 */
export function telegramRoutes(core: Core, runtime: Runtime, refusals: WebhookRefusal): Router {
  const router = express.Router();
  const telegram = core.config.telegram;
  if (telegram?.mode !== 'webhook') return router;
  // The receiver (and telegraf with it) is made on the first update.
  const receiver = onFirstUse(async () => (await import('./connectTelegram.js')).connectTelegram(core, runtime)!);

  const verified: express.RequestHandler = (req, res, next) => {
    if (!verifyTelegramSecret(telegram.webhookSecret, req.header('x-telegram-bot-api-secret-token'))) {
      refusals(req, res, () => {
        core.logger.warn({ path: req.path }, 'Telegram webhook with a wrong secret token refused');
        res.status(403).type('text/plain').send('invalid secret token');
      });
      return;
    }
    next();
  };
  router.post(TELEGRAM_WEBHOOK_PATH, verified, express.json({ limit: '1mb' }), async (req, res, next) => {
    try {
      await (await receiver()).handleUpdate(req.body);
      res.status(200).end();
    } catch (error) {
      next(error);
    }
  });
  return router;
}
