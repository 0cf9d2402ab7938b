import wwebjs from 'whatsapp-web.js';
import type { Client } from 'whatsapp-web.js';

export interface WhatsAppWebClientOptions {
  /** Where LocalAuth keeps the logged-in session: DATA_DIR/whatsapp. */
  sessionDir: string;
  /** A Chromium installed on the machine (CHROMIUM_PATH); no browser is downloaded. */
  chromiumPath: string;
}

/**
 * A whatsapp-web.js Client for the city's number, not yet started: the session is kept by
 * LocalAuth under the data folder, so a restart needs no new QR scan, and the browser is the
 * machine's Chromium, headless. Nothing touches the network until `initialize()`.
 * @example const client = createWhatsAppWebClient({ sessionDir: 'data/whatsapp', chromiumPath: '/usr/bin/chromium' });
 */
export function createWhatsAppWebClient(options: WhatsAppWebClientOptions): Client {
  return new wwebjs.Client({
    authStrategy: new wwebjs.LocalAuth({ dataPath: options.sessionDir }),
    puppeteer: {
      headless: true,
      executablePath: options.chromiumPath,
      // Containers run as root without user namespaces; /dev/shm there is often too small.
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    },
  });
}
