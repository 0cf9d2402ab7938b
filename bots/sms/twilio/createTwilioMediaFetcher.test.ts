import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaRefused } from '../../../core/media/MediaRefused.js';
import { FakeTwilioApi } from '../../../test/support/fakeTwilio.js';
import { PHOTO, sha256Of, tooLargePhoto } from '../../../test/support/photoFiles.js';
import { createTwilioMediaFetcher } from './createTwilioMediaFetcher.js';
import { parseTwilioMedia } from './parseTwilioMedia.js';

const ACCOUNT = `AC${'3'.repeat(32)}`;
const TOKEN = 'media-test-auth-token-5e6f7a8b';
const MESSAGE = `MM${'4'.repeat(32)}`;

describe('Twilio MMS media', () => {
  const api = new FakeTwilioApi();
  let fetchMedia: (url: string) => Promise<Buffer>;
  beforeAll(async () => {
    await api.start();
    api.credentials = { accountSid: ACCOUNT, authToken: TOKEN };
    fetchMedia = createTwilioMediaFetcher({ accountSid: ACCOUNT, authToken: TOKEN, apiRoot: api.baseUrl });
  });
  afterAll(() => api.stop());

  it('reads NumMedia, MediaUrl{N} and MediaContentType{N} of the webhook, at most what NumMedia says', () => {
    const url = (n: number) => FakeTwilioApi.mediaUrl(ACCOUNT, MESSAGE, `ME${String(n).repeat(32)}`);
    const form = {
      NumMedia: '2',
      MediaUrl0: url(1),
      MediaContentType0: 'image/jpeg',
      MediaUrl1: url(2),
      MediaContentType1: 'image/png',
      MediaUrl2: url(3),
    };
    expect(parseTwilioMedia(form)).toEqual([
      { mimeType: 'image/jpeg', url: `twilio-media:${url(1)}` },
      { mimeType: 'image/png', url: `twilio-media:${url(2)}` },
    ]);
    expect(parseTwilioMedia({ NumMedia: '0', Body: 'pbb' })).toEqual([]);
  });

  it('downloads with basic auth at the API and follows the redirect to the media host without it', async () => {
    const media = `ME${'5'.repeat(32)}`;
    api.media.set(media, { bytes: PHOTO.bytes, mimeType: 'image/png' });
    api.mediaCalls.length = 0;
    const bytes = await fetchMedia(FakeTwilioApi.mediaUrl(ACCOUNT, MESSAGE, media));
    expect(sha256Of(bytes)).toBe(PHOTO.sha256);
    expect(api.mediaCalls.map((c) => [c.host, c.authorization?.split(' ')[0] ?? null])).toEqual([
      ['api', 'Basic'],
      ['media', null],
    ]);
  });

  it.each([
    ['another host', `https://media.example.org/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/ME1`],
    ['another account', FakeTwilioApi.mediaUrl(`AC${'9'.repeat(32)}`, MESSAGE, `ME${'5'.repeat(32)}`)],
    [
      'a path that climbs out',
      `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/../../Calls.json`,
    ],
  ])('sends no credentials for a URL of %s: refused unasked', async (_label, url) => {
    api.mediaCalls.length = 0;
    await expect(fetchMedia(url)).rejects.toMatchObject({ reason: 'unavailable' });
    expect(api.mediaCalls).toEqual([]);
  });

  it('refuses a file over the limit as too large, and a media Twilio does not have as unavailable', async () => {
    const big = `ME${'6'.repeat(32)}`;
    api.media.set(big, { bytes: tooLargePhoto(), mimeType: 'image/jpeg' });
    const refused = await fetchMedia(FakeTwilioApi.mediaUrl(ACCOUNT, MESSAGE, big)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MediaRefused);
    expect(refused).toMatchObject({ reason: 'tooLarge' });
    await expect(fetchMedia(FakeTwilioApi.mediaUrl(ACCOUNT, MESSAGE, `ME${'7'.repeat(32)}`))).rejects.toMatchObject({
      reason: 'unavailable',
    });
  });
});
