import express, { type Router } from 'express';
import { answerCloudChallenge } from '../bots/whatsapp/cloud/answerCloudChallenge.js';
import { parseCloudWebhook } from '../bots/whatsapp/cloud/parseCloudWebhook.js';
import { verifyCloudSignature } from '../bots/whatsapp/cloud/verifyCloudSignature.js';
import type { Core } from '../core/boot.js';
import { recordDeliveryStatus } from '../core/outbox/recordDeliveryStatus.js';
import type { Runtime } from './createRuntime.js';
import type { WebhookRefusal } from './rateLimitRoutes.js';
import { receiveInbound } from './receiveInbound.js';

/** Where Meta calls for the Cloud API: PUBLIC_BASE_URL + this path, set as the app's webhook callback URL. */
export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

/**
 * The WhatsApp Cloud API webhook, when WHATSAPP_MODE=cloud. GET answers Meta's subscription
 * check when the verify token matches. POST is verified against `X-Hub-Signature-256` over the
 * raw body before anything is read or stored (403 and no effect otherwise); then each citizen's
 * message runs through the core and each delivery report is recorded. A free text Graph failed
 * late as outside the 24-hour window gets its one fallback row, sent as the template. A failure answers 500, so
 * Meta delivers again; message ids make the repeat harmless.
 */
export function whatsappCloudRoutes(core: Core, runtime: Runtime, refusals: WebhookRefusal): Router {
  const router = express.Router();
  const whatsapp = core.config.whatsapp;
  if (whatsapp.mode !== 'cloud') return router;

  router.get(WHATSAPP_WEBHOOK_PATH, (req, res) => {
    const challenge = answerCloudChallenge(req.query, whatsapp.verifyToken);
    if (challenge === null) {
      refusals(req, res, () => {
        core.logger.warn({ path: req.path }, 'WhatsApp webhook subscription with a wrong verify token refused');
        res.status(403).type('text/plain').send('verify token mismatch');
      });
      return;
    }
    res.status(200).type('text/plain').send(challenge);
  });

  router.post(WHATSAPP_WEBHOOK_PATH, express.raw({ type: '*/*', limit: '1mb' }), async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verifyCloudSignature(whatsapp.appSecret, raw, req.header('x-hub-signature-256'))) {
        refusals(req, res, () => {
          core.logger.warn({ path: req.path }, 'WhatsApp webhook with a bad signature refused');
          res.status(403).type('text/plain').send('invalid signature');
        });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        res.status(400).type('text/plain').send('body is not JSON');
        return;
      }
      const { messages, statuses, ignored } = parseCloudWebhook(body, core.clock(), whatsapp.phoneNumberId);
      for (const { reason, sender } of ignored) {
        core.logger.warn({ channel: 'whatsapp', address: sender ?? '-', reason }, 'WhatsApp message not answered');
      }
      for (const event of messages) await receiveInbound(core, runtime, event);
      for (const report of statuses) {
        if (report.status === 'failed') {
          core.logger.warn(
            { providerMessageId: report.providerMessageId, detail: report.detail },
            'WhatsApp message not delivered',
          );
        }
        const recorded = await recordDeliveryStatus(
          core.db.prisma,
          report.providerMessageId,
          report.status,
          report.detail,
          { channel: 'whatsapp', fallback: report.fallback === true && whatsapp.notificationTemplate !== undefined },
        );
        // Written with the failure, so never lost: what is not woken now the recovery sweep finds.
        if (recorded.fallback) await runtime.dispatcher.dispatch([recorded.fallback]);
      }
      res.status(200).end();
    } catch (error) {
      next(error);
    }
  });
  return router;
}
