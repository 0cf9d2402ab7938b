import twilio from 'twilio';
import { parseTwilioInbound } from '../../bots/sms/twilio/parseTwilioInbound.js';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { PHOTO } from '../support/photoFiles.js';
import { startApp } from '../support/startApp.js';
import {
  appSender,
  expectAccepted,
  outbound,
  readFixtures,
  HARNESS_SESSION_SECRET,
  RECEIVED_AT,
  type ChannelUnderTest,
} from './ChannelUnderTest.js';

const AUTH_TOKEN = 'harness-twilio-auth-token-4b1d9e07';
const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const PUBLIC_BASE_URL = 'https://layanan.kota.example';
const SMS_PATH = '/webhooks/twilio/sms';

/** SMS through Twilio: the real twilio SDK against a local fake of its REST API; signed webhooks into the app. */
export const twilioChannel: ChannelUnderTest = {
  name: 'twilio',
  fixtures: readFixtures('twilio'),
  async start() {
    const api = new FakeTwilioApi();
    await api.start();
    api.credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
    /** The media sid of an MMS's first media (MediaUrl0 ends /Media/ME...). */
    const mediaSidOf = (form: unknown): string =>
      /\/Media\/(ME\w+)$/.exec((form as { MediaUrl0: string }).MediaUrl0)![1]!;
    api.media.set(mediaSidOf(twilioChannel.fixtures.cases['a photo']?.native), {
      bytes: PHOTO.bytes,
      mimeType: 'image/jpeg',
    });
    const app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        SESSION_SECRET: HARNESS_SESSION_SECRET,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        // Media downloads go to the fake's API; the SDK's sends reach it through its request client.
        TWILIO_API_ROOT: api.baseUrl,
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
      servePhoto(form, file) {
        api.media.set(mediaSidOf(form), { bytes: file, mimeType: 'image/jpeg' });
      },
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
