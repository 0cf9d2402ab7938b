import type { AddressInfo } from 'node:net';
import express from 'express';
import { answerRunner, type FromChild } from './childProtocol.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * The floor of the inbound figure: the same HTTP server (express 5, the form parser of the SMS
 * route, a port on 127.0.0.1) answering the webhook with empty TwiML and doing nothing else.
 */
const app = express();
app.disable('x-powered-by');
app.post('/webhooks/twilio/sms', express.urlencoded({ extended: false, limit: '64kb' }), (_req, res) => {
  res.type('text/xml').send(EMPTY_TWIML);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port } satisfies FromChild);
});
server.keepAliveTimeout = 60_000;
answerRunner(
  () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
