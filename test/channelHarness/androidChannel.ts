import { parseAndroidInbound } from '../../bots/sms/android/parseAndroidInbound.js';
import { FakeAndroidGateway, postSignedAndroid } from '../support/fakeAndroidGateway.js';
import { startApp } from '../support/startApp.js';
import {
  appSender,
  expectAccepted,
  outbound,
  readFixtures,
  RECEIVED_AT,
  type ChannelRun,
  type ChannelUnderTest,
} from './ChannelUnderTest.js';

const USERNAME = 'layankota';
const PASSWORD = 'harness-gateway-password-91c2';
const SIGNING_KEY = 'harness-signing-key-3e8a57';

/** SMS through SMS Gateway for Android: fetch against a local fake of the phone's API; signed webhooks into the app. */
export const androidChannel: ChannelUnderTest = {
  name: 'android',
  fixtures: readFixtures('android'),
  async start() {
    const gateway = new FakeAndroidGateway(USERNAME, PASSWORD);
    await gateway.start();
    const app = await startApp({
      SMS_PROVIDER: 'android',
      ANDROID_SMS_GATEWAY_URL: gateway.baseUrl,
      ANDROID_SMS_GATEWAY_USERNAME: USERNAME,
      ANDROID_SMS_GATEWAY_PASSWORD: PASSWORD,
      ANDROID_SMS_GATEWAY_SIGNING_KEY: SIGNING_KEY,
      SMS_RATE_PER_SECOND: '50',
      SMS_MAX_PARTS: '4',
    });
    const run: ChannelRun = {
      app,
      // The basic-auth header carries the password in base64.
      secrets: [PASSWORD, SIGNING_KEY, Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')],
      adapterLogLines: [],
      parse: async (body) => parseAndroidInbound(body, RECEIVED_AT),
      async send(replies, address) {
        gateway.calls.length = 0;
        await appSender(app, 'sms').send(outbound('sms', address, replies));
        return gateway.calls.map(({ phoneNumbers, text }) => ({ phoneNumbers, text }));
      },
      async deliver(body) {
        // Signed at the app's clock, which the signature's freshness is checked against.
        const timestampS = Math.floor(app.clock.now.getTime() / 1000);
        await expectAccepted(
          await postSignedAndroid(`${app.baseUrl}/webhooks/android/sms`, SIGNING_KEY, body, timestampS),
        );
      },
      // Delivery reports come to the same webhook as the citizens' messages.
      async deliverReport(body) {
        await run.deliver(body);
      },
      async stop() {
        await app.stop();
        await gateway.stop();
      },
    };
    return run;
  },
};
