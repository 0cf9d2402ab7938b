import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi } from '../../../test/support/fakeGraphApi.js';
import { PHOTO, sha256Of, tooLargePhoto } from '../../../test/support/photoFiles.js';
import { createCloudMediaFetcher } from './createCloudMediaFetcher.js';

const TOKEN = 'EAAGmediaFetcherTestToken0123456789';

describe('WhatsApp Cloud media', () => {
  const graph = new FakeGraphApi();
  let fetchMedia: (mediaId: string) => Promise<Buffer>;
  beforeAll(async () => {
    graph.token = TOKEN;
    await graph.start();
    fetchMedia = createCloudMediaFetcher({ apiRoot: `${graph.baseUrl}/v21.0`, token: TOKEN });
  });
  afterAll(() => graph.stop());

  it('looks the media id up, then downloads its url, both with the bearer token; the SHA-256 checked', async () => {
    graph.media.set('1001', { bytes: PHOTO.bytes, mimeType: 'image/png' });
    graph.mediaCalls.length = 0;
    expect(sha256Of(await fetchMedia('1001'))).toBe(PHOTO.sha256);
    expect(graph.mediaCalls).toEqual([
      { kind: 'lookup', mediaId: '1001', authorization: `Bearer ${TOKEN}` },
      { kind: 'download', mediaId: '1001', authorization: `Bearer ${TOKEN}` },
    ]);
    // The webhook's form of the digest, base64, is taken too.
    const base64 = Buffer.from(PHOTO.sha256, 'hex').toString('base64');
    graph.media.set('1002', { bytes: PHOTO.bytes, mimeType: 'image/png', declared: { sha256: base64 } });
    expect(sha256Of(await fetchMedia('1002'))).toBe(PHOTO.sha256);
  });

  it('refuses bytes that are not the ones Graph describes', async () => {
    graph.media.set('1003', { bytes: PHOTO.bytes, mimeType: 'image/png', declared: { sha256: 'ab'.repeat(32) } });
    await expect(fetchMedia('1003')).rejects.toMatchObject({ reason: 'unavailable' });
  });

  it('refuses a file Graph says is over the limit without downloading it', async () => {
    graph.media.set('1004', { bytes: tooLargePhoto(), mimeType: 'image/jpeg', declared: { file_size: '10485761' } });
    graph.mediaCalls.length = 0;
    await expect(fetchMedia('1004')).rejects.toMatchObject({ reason: 'tooLarge' });
    expect(graph.mediaCalls.map((c) => c.kind)).toEqual(['lookup']);
  });

  it('an unknown media id, or one that is not an id, is unavailable; no error names the token', async () => {
    const unknown = await fetchMedia('1999').catch((e: unknown) => e as Error);
    expect(unknown).toMatchObject({ reason: 'unavailable' });
    expect(String(unknown)).not.toContain(TOKEN);
    graph.mediaCalls.length = 0;
    await expect(fetchMedia('../me')).rejects.toMatchObject({ reason: 'unavailable' });
    expect(graph.mediaCalls).toEqual([]);
  });
});
