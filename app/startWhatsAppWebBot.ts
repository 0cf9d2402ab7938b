import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'whatsapp-web.js';
import { listenWhatsAppWeb } from '../bots/whatsapp/web/listenWhatsAppWeb.js';
import { startWhatsAppWeb } from '../bots/whatsapp/web/startWhatsAppWeb.js';
import type { Core } from '../core/boot.js';
import type { Runtime } from './createRuntime.js';
import { receiveInbound } from './receiveInbound.js';

/**
 * The bot role's WhatsApp Web session (WHATSAPP_MODE=web): citizens' messages run through the
 * core, and the session is started and kept up (QR login in the terminal, reconnects). The same
 * client carries the replies (see the registry), so this process must also run the worker role.
 * Returns how to stop.
 */
export function startWhatsAppWebBot(core: Core, runtime: Runtime, client: Client): () => Promise<void> {
  const whatsapp = core.config.whatsapp;
  if (whatsapp.mode !== 'web') throw new Error('WhatsApp Web is started only with WHATSAPP_MODE=web');
  if (!existsSync(whatsapp.chromiumPath)) {
    throw new Error(
      `CHROMIUM_PATH ${whatsapp.chromiumPath} does not exist: install Chromium (apt-get install chromium) or point CHROMIUM_PATH at it`,
    );
  }
  if (!core.config.roles.includes('worker')) {
    core.logger.warn('WhatsApp Web replies can only leave from this process: run the worker role here too');
  }
  const stopListening = listenWhatsAppWeb(client, {
    onInbound: (event) => receiveInbound(core, runtime, event),
    logger: core.logger,
    clock: core.clock,
  });
  const session = startWhatsAppWeb(client, {
    logger: core.logger,
    qrOutput: process.stdout,
    qrFile: path.join(whatsapp.sessionDir, 'login-qr.txt'),
  });
  return async () => {
    stopListening();
    await session.stop();
  };
}
