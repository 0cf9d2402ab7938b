import { whatsappCloudRoutes } from '../../app/whatsappCloudRoutes.js';
import { prefixedMediaFetcher, type ChannelModule } from '../ChannelModule.js';
import { createCloudMediaFetcher } from './cloud/createCloudMediaFetcher.js';
import { createCloudSender } from './cloud/createCloudSender.js';
import { createWebMediaFetcher } from './web/createWebMediaFetcher.js';
import { createWhatsAppWebSender } from './web/createWhatsAppWebSender.js';

/**
 * WhatsApp, as WHATSAPP_MODE says: the Cloud API of a verified business number (webhook on the
 * web role), or a phone's WhatsApp Web session held by the bot role, whose client also carries
 * the replies (so only that process can send).
 */
export const whatsappChannel = {
  capabilities: { media: true, location: true, throttled: true, compact: false },
  status: ({ whatsapp }) => ({ mode: whatsapp.mode, receiving: whatsapp.mode !== 'none' }),
  sender(setup) {
    const { whatsapp } = setup.config;
    const { ratePerSecond: perSecond } = whatsapp;
    if (whatsapp.mode === 'cloud') {
      const sender = createCloudSender({
        apiRoot: whatsapp.apiRoot,
        phoneNumberId: whatsapp.phoneNumberId,
        token: whatsapp.token,
        notificationTemplate: whatsapp.notificationTemplate,
        translator: setup.translator,
        fetch: setup.overrides?.fetch,
      });
      return { sender, perSecond };
    }
    if (whatsapp.mode === 'web' && setup.whatsappWebClient) {
      return { sender: createWhatsAppWebSender(setup.whatsappWebClient), perSecond };
    }
    return null;
  },
  routes: whatsappCloudRoutes,
  // A photo's `wa-media:<message id>` through the Web session that received it, or its
  // `wa-cloud-media:<media id>` through Graph with the Cloud API token.
  mediaFetcher({ config: { whatsapp }, whatsappWebClient, fetch }) {
    if (whatsapp.mode === 'web' && whatsappWebClient) {
      return prefixedMediaFetcher('wa-media:', createWebMediaFetcher(whatsappWebClient));
    }
    if (whatsapp.mode === 'cloud') {
      const { apiRoot, token } = whatsapp;
      return prefixedMediaFetcher('wa-cloud-media:', createCloudMediaFetcher({ apiRoot, token, fetch }));
    }
    return null;
  },
  async openSession({ whatsapp }) {
    if (whatsapp.mode !== 'web') return null;
    // Its client also downloads the photos, so it is opened before boot.
    // Loaded only when used: whatsapp-web.js brings puppeteer with it.
    const { createWhatsAppWebClient } = await import('./web/createWhatsAppWebClient.js');
    const { startWhatsAppWebBot } = await import('../../app/startWhatsAppWebBot.js');
    const client = createWhatsAppWebClient(whatsapp);
    return {
      setup: { whatsappWebClient: client },
      start: (core, runtime) => startWhatsAppWebBot(core, runtime, client),
    };
  },
} satisfies ChannelModule;
