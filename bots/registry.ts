import type { ChannelSenders } from '../core/channels/ChannelSender.js';
import type { SmsConfig } from '../core/config/loadConfig.js';
import type { Translator } from '../core/i18n/createTranslator.js';
import { createAndroidTextSender } from './sms/android/createAndroidTextSender.js';
import { createSmsSender, type SendSmsText } from './sms/createSmsSender.js';
import { createTwilioTextSender, type TwilioSenderOptions } from './sms/twilio/createTwilioTextSender.js';

/** Hooks at the network edge, for tests to reach local fakes of the providers. */
export interface ProviderOverrides {
  twilioHttpClient?: TwilioSenderOptions['httpClient'];
  fetch?: typeof fetch;
}

export interface ChannelSetup {
  sms: SmsConfig;
  publicBaseUrl: string | undefined;
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
  return senders;
}

/** Messages per second each configured channel accepts (provider and sending number). */
export function channelRates(setup: ChannelSetup): Partial<Record<keyof ChannelSenders, number>> {
  return setup.sms.provider === 'none' ? {} : { sms: setup.sms.ratePerSecond };
}
