import express, { type Router } from 'express';
import { idOf, stringOf } from '../bots/readNative.js';
import { parseAndroidDeliveryReport } from '../bots/sms/android/parseAndroidDeliveryReport.js';
import { parseAndroidInbound } from '../bots/sms/android/parseAndroidInbound.js';
import { verifyAndroidSignature } from '../bots/sms/android/verifyAndroidSignature.js';
import { parseTwilioInbound } from '../bots/sms/twilio/parseTwilioInbound.js';
import { smsSenderAddress } from '../bots/sms/smsAddress.js';
import { TWILIO_UNSUBSCRIBED } from '../bots/sms/twilio/twilioErrorCodes.js';
import { TWILIO_STATUS_MAPPING } from '../bots/sms/twilio/twilioStatusMapping.js';
import { verifyTwilioSignature } from '../bots/sms/twilio/verifyTwilioSignature.js';
import type { Core } from '../core/boot.js';
import { recordProviderOptOut } from '../core/channels/providerOptOut.js';
import { recordDeliveryStatus } from '../core/outbox/recordDeliveryStatus.js';
import type { Runtime } from './createRuntime.js';
import type { WebhookRefusal } from './rateLimitRoutes.js';
import { receiveInbound } from './receiveInbound.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * The SMS webhooks of the configured provider. Every request is verified before anything is
 * read or stored; a forged or unsigned one gets 403 (429 past the limit on refusals) and no effect.
 */
export function smsRoutes(core: Core, runtime: Runtime, refusals: WebhookRefusal): Router {
  const router = express.Router();
  const { sms, publicBaseUrl } = core.config;

  if (sms.provider === 'twilio') {
    const form = express.urlencoded({ extended: false, limit: '64kb' });
    const verified: express.RequestHandler = (req, res, next) => {
      // Signed over the public URL Twilio called, which a proxy in front may have rewritten.
      const url = `${publicBaseUrl}${req.originalUrl}`;
      if (!verifyTwilioSignature(sms.authToken, req.header('x-twilio-signature'), url, req.body ?? {})) {
        refusals(req, res, () => {
          core.logger.warn({ path: req.path }, 'Twilio webhook with a bad signature refused');
          res.status(403).type('text/plain').send('invalid signature');
        });
        return;
      }
      next();
    };
    router.post('/webhooks/twilio/sms', form, verified, async (req, res, next) => {
      try {
        const event = parseTwilioInbound((req.body ?? {}) as Record<string, unknown>, core.clock());
        if (event) await receiveInbound(core, runtime, event);
        res.type('text/xml').send(EMPTY_TWIML);
      } catch (error) {
        next(error);
      }
    });
    router.post('/webhooks/twilio/status', form, verified, async (req, res, next) => {
      try {
        // Fields as Twilio documents them, one string each; anything else is not a report.
        const body = (req.body ?? {}) as Record<string, unknown>;
        const sid = idOf(body.MessageSid ?? body.SmsSid);
        const said = stringOf(body.MessageStatus ?? body.SmsStatus, 40) ?? '';
        const status = Object.hasOwn(TWILIO_STATUS_MAPPING, said) ? TWILIO_STATUS_MAPPING[said] : undefined;
        const errorCode = stringOf(body.ErrorCode, 20);
        if (sid && status) await recordDeliveryStatus(core.db.prisma, sid, status, errorCode);
        // The number unsubscribed (replied STOP to Twilio): nothing more goes to it until START.
        const to = smsSenderAddress(body.To);
        if (errorCode === String(TWILIO_UNSUBSCRIBED) && to) {
          await recordProviderOptOut(core.db.prisma, core.logger, {
            channel: 'sms',
            address: to,
            reason: 'twilio-21610',
            at: core.clock(),
          });
        }
        res.status(204).end();
      } catch (error) {
        next(error);
      }
    });
  }

  if (sms.provider === 'android') {
    router.post('/webhooks/android/sms', express.raw({ type: '*/*', limit: '64kb' }), async (req, res, next) => {
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const signed = verifyAndroidSignature(
          sms.signingKey,
          raw,
          req.header('x-signature'),
          req.header('x-timestamp'),
          core.clock().getTime(),
        );
        if (!signed) {
          refusals(req, res, () => {
            core.logger.warn({ path: req.path }, 'SMS gateway webhook with a bad signature refused');
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
        const event = parseAndroidInbound(body, core.clock());
        if (event) await receiveInbound(core, runtime, event);
        await recordAndroidReport(core, body);
        res.status(200).json({ ok: true });
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}

/** Records an `sms:sent` / `sms:delivered` / `sms:failed` webhook on the outbox row that sent it. */
async function recordAndroidReport(core: Core, body: unknown): Promise<void> {
  const report = parseAndroidDeliveryReport(body);
  if (!report) return;
  if (report.status === 'failed') {
    core.logger.warn({ providerMessageId: report.providerMessageId, detail: report.detail }, 'SMS not delivered');
  }
  await recordDeliveryStatus(core.db.prisma, report.providerMessageId, report.status, report.detail, {
    channel: 'sms',
  });
}
