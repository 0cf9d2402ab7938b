import twilio from 'twilio';
import { parseTwilioInbound } from '../../bots/sms/twilio/parseTwilioInbound.js';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { startApp } from '../support/startApp.js';
import {
  appSender,
  expectAccepted,
  outbound,
  readFixtures,
  RECEIVED_AT,
  type ChannelUnderTest,
} from './ChannelUnderTest.js';

const AUTH_TOKEN = 'harness-twilio-auth-token-4b1d9e07';
const PUBLIC_BASE_URL = 'https://layanan.kota.example';
const SMS_PATH = '/webhooks/twilio/sms';

/** SMS through Twilio: the real twilio SDK against a local fake of its REST API; signed webhooks into the app. */
export const twilioChannel: ChannelUnderTest = {
  name: 'twilio',
  fixtures: readFixtures('twilio'),
  async start() {
    const api = new FakeTwilioApi();
    await api.start();
    const app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SMS_MAX_PARTS: '4',
        // As behind a proxy: Twilio calls, and signs, the public URL.
        PUBLIC_BASE_URL,
      },
      { twilioHttpClient: api.httpClient() },
    );
    return {
      app,
      secrets: [AUTH_TOKEN],
      adapterLogLines: [],
      parse: async (form) => parseTwilioInbound(form as Record<string, string>, RECEIVED_AT),
      async send(replies, address) {
        api.calls.length = 0;
        await appSender(app, 'sms').send(outbound('sms', address, replies));
        // What the SDK posted; the sid is the fake's own serial.
        return api.calls.map(({ To, From, Body, StatusCallback }) => ({ To, From, Body, StatusCallback }));
      },
      async deliver(form) {
        const fields = form as Record<string, string>;
        const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${SMS_PATH}`, fields);
        await expectAccepted(await postSignedTwilio(`${app.baseUrl}${SMS_PATH}`, AUTH_TOKEN, fields, signature));
      },
      async stop() {
        await app.stop();
        await api.stop();
      },
    };
  },
};
