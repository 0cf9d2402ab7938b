import { smsRoutes } from '../../app/smsRoutes.js';
import { prefixedMediaFetcher, type ChannelModule } from '../ChannelModule.js';
import type { ChannelSetup } from '../registry.js';
import { createAndroidTextSender } from './android/createAndroidTextSender.js';
import { createSmsSender, type SendSmsText } from './createSmsSender.js';
import { createTwilioMediaFetcher } from './twilio/createTwilioMediaFetcher.js';
import { createTwilioTextSender } from './twilio/createTwilioTextSender.js';

/** SMS through the provider SMS_PROVIDER names (Twilio, or an Android phone running SMS Gateway). */
export const smsChannel = {
  capabilities: { media: false, location: false, throttled: true, compact: true },
  status: ({ sms }) => ({ mode: sms.provider, receiving: sms.provider !== 'none' }),
  sender(setup) {
    const text = smsTextSender(setup);
    if (!text) return null;
    const { sms } = setup.config;
    return { sender: createSmsSender(text, setup.translator, sms.maxParts), perSecond: sms.ratePerSecond };
  },
  routes: smsRoutes,
  // An MMS's `twilio-media:<MediaUrl>` with the account's credentials (Android's mms:downloaded is read as its text).
  mediaFetcher: ({ config: { sms }, fetch }) =>
    sms.provider === 'twilio'
      ? prefixedMediaFetcher('twilio-media:', createTwilioMediaFetcher({ ...sms, fetch }))
      : null,
} satisfies ChannelModule;

/** The SMS provider chosen by configuration, behind one function that sends a text. */
function smsTextSender(setup: ChannelSetup): SendSmsText | null {
  const { sms, publicBaseUrl } = setup.config;
  switch (sms.provider) {
    case 'twilio':
      return createTwilioTextSender({
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        from: sms.from,
        statusCallback: `${publicBaseUrl}/webhooks/twilio/status`,
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
