import { smsRoutes } from '../../app/smsRoutes.js';
import { prefixedMediaFetcher, senderOnFirstUse, type ChannelModule } from '../ChannelModule.js';
import type { SmsConfig } from '../../core/config/loadConfig.js';
import type { ChannelSetup } from '../registry.js';
import { createAndroidTextSender } from './android/createAndroidTextSender.js';
import { createSmsSender, type SendSmsText } from './createSmsSender.js';
import { createTwilioMediaFetcher } from './twilio/createTwilioMediaFetcher.js';

/**
 * SMS through the provider SMS_PROVIDER names (Twilio, or an Android phone running SMS Gateway).
 * Twilio's SDK is loaded with the first text this process sends.
 */
export const smsChannel = {
  capabilities: { media: false, location: false, throttled: true, compact: true },
  status: ({ sms }) => ({ mode: sms.provider, receiving: sms.provider !== 'none' }),
  sender(setup) {
    const { sms } = setup.config;
    if (sms.provider === 'none') return null;
    const sender = senderOnFirstUse(async () =>
      createSmsSender(await smsTextSender(setup, sms), setup.translator, sms.maxParts),
    );
    return { sender, perSecond: sms.ratePerSecond };
  },
  routes: smsRoutes,
  // An MMS's `twilio-media:<MediaUrl>` with the account's credentials (Android's mms:downloaded is read as its text).
  mediaFetcher: ({ config: { sms }, fetch }) =>
    sms.provider === 'twilio'
      ? prefixedMediaFetcher('twilio-media:', createTwilioMediaFetcher({ ...sms, fetch }))
      : null,
} satisfies ChannelModule;

/** The SMS provider chosen by configuration, behind one function that sends a text. */
async function smsTextSender(setup: ChannelSetup, sms: Exclude<SmsConfig, { provider: 'none' }>): Promise<SendSmsText> {
  const { publicBaseUrl } = setup.config;
  switch (sms.provider) {
    case 'twilio': {
      const { createTwilioTextSender } = await import('./twilio/createTwilioTextSender.js');
      return createTwilioTextSender({
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        from: sms.from,
        statusCallback: `${publicBaseUrl}/webhooks/twilio/status`,
        apiRoot: sms.apiRoot,
        httpClient: setup.overrides?.twilioHttpClient,
      });
    }
    case 'android':
      return createAndroidTextSender({
        baseUrl: sms.baseUrl,
        username: sms.username,
        password: sms.password,
        fetch: setup.overrides?.fetch,
      });
  }
}
