import { createEmailSender } from './email/createEmailSender.js';
import { Telegram } from 'telegraf';
import type { ChannelSender, ChannelSenders } from '../core/channels/ChannelSender.js';
import type { SmsConfig, TelegramConfig, WhatsAppConfig } from '../core/config/loadConfig.js';
import type { Translator } from '../core/i18n/createTranslator.js';
import { fetchMedia, type MediaFetcher } from '../core/media/storeMedia.js';
import { createAndroidTextSender } from './sms/android/createAndroidTextSender.js';
import { createSmsSender, type SendSmsText } from './sms/createSmsSender.js';
import { createTwilioTextSender, type TwilioSenderOptions } from './sms/twilio/createTwilioTextSender.js';
import { createTwilioMediaFetcher } from './sms/twilio/createTwilioMediaFetcher.js';
import { createTelegramFileFetcher } from './telegram/createTelegramFileFetcher.js';
import { createTelegramSender } from './telegram/createTelegramSender.js';
import { createCloudMediaFetcher } from './whatsapp/cloud/createCloudMediaFetcher.js';
import { createCloudSender } from './whatsapp/cloud/createCloudSender.js';
import { createWebMediaFetcher, type WhatsAppWebMediaClient } from './whatsapp/web/createWebMediaFetcher.js';
import { createWhatsAppWebSender, type WhatsAppWebSendingClient } from './whatsapp/web/createWhatsAppWebSender.js';

/** Hooks at the network edge, for tests to reach local fakes of the providers. */
export interface ProviderOverrides {
  twilioHttpClient?: TwilioSenderOptions['httpClient'];
  fetch?: typeof fetch;
}

export interface ChannelSetup {
  sms: SmsConfig;
  /** Null when the city has no Telegram bot. */
  telegram: TelegramConfig | null;
  publicBaseUrl: string | undefined;
  cityName: string;
  whatsapp: WhatsAppConfig;
  /** SMTP for notifications and escalations; null when the city sends no email. */
  email?: { smtpUrl: string; from: string } | null;
  /** The whatsapp-web.js session this process holds (the bot role, WHATSAPP_MODE=web); only it can send. */
  whatsappWebClient?: WhatsAppWebSendingClient | undefined;
  translator: Translator;
  overrides?: ProviderOverrides;
}

/** The SMS provider chosen by configuration, behind one function that sends a text. */
function smsTextSender(setup: ChannelSetup): SendSmsText | null {
  const { sms } = setup;
  switch (sms.provider) {
    case 'twilio':
      return createTwilioTextSender({
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        from: sms.from,
        statusCallback: `${setup.publicBaseUrl}/webhooks/twilio/status`,
        apiRoot: sms.apiRoot,
        httpClient: setup.overrides?.twilioHttpClient,
      });
    case 'android':
      return createAndroidTextSender({
        baseUrl: sms.baseUrl,
        username: sms.username,
        password: sms.password,
        fetch: setup.overrides?.fetch,
      });
    case 'none':
      return null;
  }
}

/**
 * Every channel this deployment can send on, from configuration: the one registry of channels.
 * Channels without credentials are simply absent; their outbox rows wait for a process that has them.
 */
export function createChannelSenders(setup: ChannelSetup): ChannelSenders {
  const senders: ChannelSenders = {};
  const sms = smsTextSender(setup);
  if (sms) senders.sms = createSmsSender(sms, setup.translator, setup.sms.maxParts);
  if (setup.telegram) {
    senders.telegram = createTelegramSender({
      telegram: new Telegram(setup.telegram.token, { apiRoot: `${setup.telegram.apiRoot}/` }),
      translator: setup.translator,
      cityName: setup.cityName,
    });
  }
  const whatsapp = whatsappSender(setup);
  if (whatsapp) senders.whatsapp = whatsapp;
  if (setup.email) senders.email = createEmailSender(setup.email);
  return senders;
}

/** Whether this process can send on WhatsApp: by the Cloud API, or holding the WhatsApp Web session. */
function canSendWhatsApp(setup: ChannelSetup): boolean {
  return setup.whatsapp.mode === 'cloud' || (setup.whatsapp.mode === 'web' && Boolean(setup.whatsappWebClient));
}

/** WhatsApp through the Cloud API, or through the WhatsApp Web session when this process holds it. */
function whatsappSender(setup: ChannelSetup): ChannelSender | null {
  const { whatsapp } = setup;
  if (whatsapp.mode === 'cloud') {
    return createCloudSender({
      apiRoot: whatsapp.apiRoot,
      phoneNumberId: whatsapp.phoneNumberId,
      token: whatsapp.token,
      notificationTemplate: whatsapp.notificationTemplate,
      translator: setup.translator,
      fetch: setup.overrides?.fetch,
    });
  }
  if (whatsapp.mode === 'web' && setup.whatsappWebClient) return createWhatsAppWebSender(setup.whatsappWebClient);
  return null;
}

/** Messages per second each configured channel accepts (provider and sending number). */
export function channelRates(setup: ChannelSetup): Partial<Record<keyof ChannelSenders, number>> {
  return {
    ...(setup.sms.provider === 'none' ? {} : { sms: setup.sms.ratePerSecond }),
    ...(setup.telegram ? { telegram: setup.telegram.ratePerSecond } : {}),
    ...(canSendWhatsApp(setup) ? { whatsapp: setup.whatsapp.ratePerSecond } : {}),
    ...(setup.email ? { email: 10 } : {}),
  };
}

/** The media references channels hand the core, each read by its channel's own fetcher. */
type ChannelMediaFetchers = Partial<
  Record<'tg-file:' | 'wa-media:' | 'wa-cloud-media:' | 'twilio-media:', (id: string) => Promise<Buffer>>
>;

/**
 * Fetches the bytes behind a media reference for the core to keep: a channel's own references
 * (`tg-file:<file_id>`, `wa-media:<message id>`, `wa-cloud-media:<media id>`,
 * `twilio-media:<MediaUrl>`) through that channel's API with its credentials, anything else
 * (data:, file:, http) as the core does. A channel not configured here refuses its references.
 */
export function createMediaFetcher(
  config: Pick<ChannelSetup, 'telegram' | 'whatsapp' | 'sms'>,
  edge: { whatsappWebClient?: WhatsAppWebMediaClient | undefined; fetch?: typeof fetch | undefined } = {},
): MediaFetcher {
  const { telegram, whatsapp, sms } = config;
  const fetchers: ChannelMediaFetchers = {
    ...(telegram && {
      'tg-file:': createTelegramFileFetcher(new Telegram(telegram.token, { apiRoot: `${telegram.apiRoot}/` })),
    }),
    ...(whatsapp.mode === 'web' &&
      edge.whatsappWebClient && {
        'wa-media:': createWebMediaFetcher(edge.whatsappWebClient),
      }),
    ...(whatsapp.mode === 'cloud' && {
      'wa-cloud-media:': createCloudMediaFetcher({
        apiRoot: whatsapp.apiRoot,
        token: whatsapp.token,
        fetch: edge.fetch,
      }),
    }),
    ...(sms.provider === 'twilio' && {
      'twilio-media:': createTwilioMediaFetcher({ ...sms, fetch: edge.fetch }),
    }),
  };
  return (ref) => {
    const prefix = /^[a-z-]+:/.exec(ref.url)?.[0] as keyof ChannelMediaFetchers | undefined;
    const channelFetcher = prefix ? fetchers[prefix] : undefined;
    return channelFetcher ? channelFetcher(ref.url.slice(prefix!.length)) : fetchMedia(ref);
  };
}
