import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/loadConfig.js';
import { FakeTwilioApi } from '../../../test/support/fakeTwilio.js';
import { createTwilioTextSender } from './createTwilioTextSender.js';

// TWILIO_API_ROOT points the real twilio SDK at another Twilio-compatible API: here a local fake,
// reached through the setting alone (no injected HTTP client).

const ACCOUNT = `AC${'5'.repeat(32)}`;

describe('TWILIO_API_ROOT', () => {
  const api = new FakeTwilioApi();
  beforeAll(() => api.start());
  afterAll(() => api.stop());
  afterEach(() => {
    delete process.env.TWILIO_EDGE;
    delete process.env.TWILIO_REGION;
  });

  const senderAt = (root: string) => {
    const { sms } = loadConfig({
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'api-root-auth-token-0123456789',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_ROOT: root,
      PUBLIC_BASE_URL: 'https://layanan.kota.example',
    });
    if (sms.provider !== 'twilio') throw new Error('not the Twilio settings');
    return createTwilioTextSender({ ...sms, statusCallback: 'https://layanan.kota.example/webhooks/twilio/status' });
  };

  it.each([
    { label: 'a local stand-in at the root', prefix: '' },
    { label: 'a compatible API under a path of its own', prefix: '/twilio-compat' },
  ])('sends and lists through $label, with the account in basic auth', async ({ prefix }) => {
    const send = senderAt(`${api.baseUrl}${prefix}/`);
    const since = new Date(Date.now() - 60_000);
    const sid = await send('6281300001001', 'Status P48271633: Selesai');
    const call = api.calls.find((c) => c.sid === sid);
    expect(call).toMatchObject({
      To: '+6281300001001',
      Body: 'Status P48271633: Selesai',
      path: `${prefix}/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
      user: ACCOUNT,
    });
    expect(await send.acceptedSince?.('6281300001001', since)).toContainEqual({
      id: sid,
      body: 'Status P48271633: Selesai',
    });
  });

  it('keeps to the root when the SDK is given an edge and region (TWILIO_EDGE, TWILIO_REGION)', async () => {
    process.env.TWILIO_EDGE = 'sydney';
    process.env.TWILIO_REGION = 'au1';
    const sid = await senderAt(api.baseUrl)('6281300001002', 'pbb');
    expect(api.calls.find((c) => c.sid === sid)).toMatchObject({ To: '+6281300001002' });
  });
});
