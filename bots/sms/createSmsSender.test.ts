import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../core/channels/ChannelSender.js';
import { createTranslator, type Translator } from '../../core/i18n/createTranslator.js';
import { FakeTwilioApi } from '../../test/support/fakeTwilio.js';
import { createSmsSender } from './createSmsSender.js';
import { renderSms } from './renderSms.js';
import { createTwilioTextSender } from './twilio/createTwilioTextSender.js';

// A message handed to Twilio before and never settled (its worker died mid-send, or a later part
// was refused): the SMS sender asks Twilio's Message list what it already has and sends only the
// rest. The real twilio SDK talks to a local fake of Twilio's API.

const FROM = '+15005550006';
const LONG = Array.from({ length: 60 }, (_, i) => `kata${i + 1}`).join(' ');

describe('SMS sender resuming a message Twilio may already have', () => {
  const twilio = new FakeTwilioApi();
  let translator: Translator;
  let serial = 0;

  beforeAll(async () => {
    await twilio.start();
    translator = await createTranslator();
  });
  afterAll(() => twilio.stop());

  const senderFor = () =>
    createSmsSender(
      createTwilioTextSender({
        accountSid: `AC${'4'.repeat(32)}`,
        authToken: 'test-auth-token-0123456789abcdef',
        from: FROM,
        statusCallback: 'http://127.0.0.1:9/webhooks/twilio/status',
        apiRoot: twilio.baseUrl,
      }),
      translator,
      3,
    );
  const messageTo = (address: string, resume?: OutboundMessage['resume']): OutboundMessage => ({
    id: '00000000-0000-4000-8000-000000000001',
    channel: 'sms',
    address,
    lang: 'id',
    replies: [{ text: LONG, options: [] }],
    urgent: false,
    ...(resume ? { resume } : {}),
  });
  const parts = renderSms({ text: LONG, options: [] }, { replyWord: 'Balas', maxParts: 3 });
  /** Twilio accepts `count` parts of the message, as a send cut off after them would leave it. */
  const acceptedBefore = async (address: string, count: number) => {
    const send = createTwilioTextSender({
      accountSid: `AC${'4'.repeat(32)}`,
      authToken: 'test-auth-token-0123456789abcdef',
      from: FROM,
      statusCallback: 'http://127.0.0.1:9/webhooks/twilio/status',
      apiRoot: twilio.baseUrl,
    });
    const sids: string[] = [];
    for (const part of parts.slice(0, count)) sids.push((await send(address, part))!);
    return sids;
  };

  it('renders the test text in three parts', () => {
    expect(parts).toHaveLength(3);
  });

  it.each([
    { label: 'nothing reached Twilio: every part is sent', before: 0, resume: true, sent: 3 },
    { label: 'the first part reached Twilio: the other two are sent', before: 1, resume: true, sent: 2 },
    { label: 'every part reached Twilio: nothing is sent again', before: 3, resume: true, sent: 0 },
    { label: 'without resume, Twilio is not asked and every part is sent', before: 0, resume: false, sent: 3 },
  ])('$label', async ({ before, resume, sent }) => {
    const address = `62813006600${String(++serial).padStart(2, '0')}`;
    const since = new Date(Date.now() - 60_000);
    const earlier = await acceptedBefore(address, before);
    const callsBefore = twilio.calls.length;
    const result = await senderFor().send(messageTo(address, resume ? { since, otherProviderIds: [] } : undefined));
    const fresh = twilio.calls.slice(callsBefore).map((c) => c.sid);
    expect(fresh).toHaveLength(sent);
    // Each part once at Twilio, in order, and every id recorded.
    const toAddress = twilio.calls.filter((c) => c.To === `+${address}`);
    expect(toAddress.map((c) => c.Body)).toEqual(parts);
    expect(result.providerMessageId).toBe([...earlier, ...fresh].join(','));
  });

  it("does not take another message's text for this one's", async () => {
    const address = `62813006600${String(++serial).padStart(2, '0')}`;
    const since = new Date(Date.now() - 60_000);
    // An earlier message with the same first part, already recorded as another row's.
    const [other] = await acceptedBefore(address, 1);
    const callsBefore = twilio.calls.length;
    await senderFor().send(messageTo(address, { since, otherProviderIds: [other!] }));
    expect(twilio.calls.slice(callsBefore).map((c) => c.Body)).toEqual(parts);
  });
});
