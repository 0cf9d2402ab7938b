import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import qrcode from 'qrcode-terminal';
import type { Client } from 'whatsapp-web.js';
import type { Logger } from '../../../core/log/createLogger.js';
import { reconnectDelayMs } from './reconnectDelayMs.js';

export interface WhatsAppWebSessionOptions {
  logger: Logger;
  /** Where the login QR code is drawn for the operator: the terminal. */
  qrOutput: NodeJS.WritableStream;
  /** The same drawing is kept in this file until the login succeeds, for an operator on the machine. */
  qrFile: string;
  /** Wait before reconnect attempt n; exponential up to 5 minutes by default. */
  retryDelayMs?: (attempt: number) => number;
}

/** A running WhatsApp Web session. */
export interface WhatsAppWebSession {
  stop(): Promise<void>;
}

/**
 * Starts the city's WhatsApp Web session and keeps it up: the login QR code is drawn in the
 * terminal (and kept in `qrFile`, never in the logs: whoever scans it owns the session); after a
 * disconnect or a failed start it reconnects with exponential backoff. Messages are not handled
 * here: see listenWhatsAppWeb.
 * @example const session = startWhatsAppWeb(client, { logger, qrOutput: process.stdout, qrFile: 'data/whatsapp/login-qr.txt' });
 */
export function startWhatsAppWeb(client: Client, options: WhatsAppWebSessionOptions): WhatsAppWebSession {
  const { logger } = options;
  const delayOf = options.retryDelayMs ?? reconnectDelayMs;
  let attempt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const forgetQr = () => rmSync(options.qrFile, { force: true });
  const connect = async () => {
    try {
      await client.initialize();
    } catch (error) {
      logger.error({ err: error }, 'WhatsApp Web could not start');
      reconnect();
    }
  };
  const reconnect = () => {
    if (stopped || timer) return;
    attempt++;
    const delayMs = delayOf(attempt);
    logger.warn({ attempt, delayMs }, 'WhatsApp Web reconnecting');
    timer = setTimeout(() => {
      timer = null;
      if (stopped) return;
      void client
        .destroy()
        .catch(() => undefined)
        .then(connect);
    }, delayMs);
  };

  const listeners = {
    qr: (qr: string) => {
      qrcode.generate(qr, { small: true }, (drawing) => {
        options.qrOutput.write(`\nWhatsApp: scan this code with the city's phone (Linked devices):\n${drawing}\n`);
        mkdirSync(path.dirname(options.qrFile), { recursive: true });
        writeFileSync(options.qrFile, `${drawing}\n`, { mode: 0o600 });
      });
      logger.info(
        { qrFile: options.qrFile },
        'WhatsApp Web login needed: scan the QR code in the terminal or the file',
      );
    },
    authenticated: () => {
      forgetQr();
      logger.info('WhatsApp Web logged in');
    },
    auth_failure: (reason: string) => logger.error({ reason }, 'WhatsApp Web login failed'),
    ready: () => {
      attempt = 0;
      logger.info('WhatsApp Web ready');
    },
    disconnected: (reason: string) => {
      logger.warn({ reason }, 'WhatsApp Web disconnected');
      reconnect();
    },
  };
  for (const [event, listener] of Object.entries(listeners)) client.on(event, listener);
  void connect();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const [event, listener] of Object.entries(listeners)) client.off(event, listener);
      forgetQr();
      await client.destroy().catch(() => undefined);
    },
  };
}
