import { createHash } from 'node:crypto';
import { MAX_MEDIA_BYTES } from '../../../core/media/mediaLimits.js';
import { MediaRefused } from '../../../core/media/MediaRefused.js';
import { readCappedBody } from '../../../core/media/readCappedBody.js';

export interface CloudMediaFetcherOptions {
  /** https://graph.facebook.com/v21.0, or a local fake in tests. */
  apiRoot: string;
  token: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch | undefined;
}

/** Graph's answer to `GET /{media id}` (Cloud API, Media: "Retrieve media URL"). */
interface MediaUrlAnswer {
  url?: unknown;
  mime_type?: unknown;
  sha256?: unknown;
  /** A number, or a number as a string: both are seen. */
  file_size?: unknown;
  error?: { code?: number; message?: string };
}

/** Whether `bytes` have this SHA-256, written as hex (Graph's media URL answer) or base64 (the webhook). */
function hasDigest(bytes: Buffer, given: string): boolean {
  const digest = createHash('sha256').update(bytes).digest();
  return given.toLowerCase() === digest.toString('hex') || given === digest.toString('base64');
}

/**
 * Downloads a file a citizen sent to the city's WhatsApp Business number, by the media id of its
 * `wa-cloud-media:<id>` reference, as the Cloud API's Media reference describes: `GET
 * {apiRoot}/{media id}` with the bearer token answers `{ url, mime_type, sha256, file_size, id }`,
 * then a `GET` of that url with the same token gives the bytes (the url lasts 5 minutes, so it is
 * fetched at once). A file Graph says is over the limit is refused before it is downloaded;
 * bytes whose SHA-256 is not the one Graph gave are refused. Errors never carry the token or the url.
 * @example const bytes = await createCloudMediaFetcher({ apiRoot, token })('1187402261735318');
 */
export function createCloudMediaFetcher(options: CloudMediaFetcherOptions): (mediaId: string) => Promise<Buffer> {
  const doFetch = options.fetch ?? fetch;
  const authorization = `Bearer ${options.token}`;
  return async (mediaId) => {
    if (!/^\d+$/.test(mediaId)) throw new MediaRefused('unavailable', 'not a WhatsApp Cloud media id');
    const answer = await doFetch(`${options.apiRoot}/${mediaId}`, {
      headers: { authorization },
      signal: AbortSignal.timeout(15_000),
    });
    const meta = (await answer.json().catch(() => ({}))) as MediaUrlAnswer;
    if (!answer.ok || typeof meta.url !== 'string') {
      throw new MediaRefused(
        'unavailable',
        `Graph media lookup answered ${answer.status}${meta.error?.code ? ` (code ${meta.error.code})` : ''}`,
      );
    }
    const declared = Number(meta.file_size);
    if (declared > MAX_MEDIA_BYTES) throw new MediaRefused('tooLarge', `Graph says ${declared} bytes`);

    const download = await doFetch(meta.url, { headers: { authorization }, signal: AbortSignal.timeout(30_000) });
    if (!download.ok) {
      await download.body?.cancel();
      throw new MediaRefused('unavailable', `Graph media download answered ${download.status}`);
    }
    const bytes = await readCappedBody(download);
    if (typeof meta.sha256 === 'string' && meta.sha256 && !hasDigest(bytes, meta.sha256)) {
      throw new MediaRefused('unavailable', 'the downloaded media does not have the SHA-256 Graph gave');
    }
    return bytes;
  };
}
