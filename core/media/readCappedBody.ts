import { MAX_MEDIA_BYTES } from './mediaLimits.js';
import { MediaRefused } from './MediaRefused.js';

/**
 * The body of a download, refused as `tooLarge` as soon as it passes `maxBytes` (by its
 * Content-Length, or while it streams in): a huge file is never held whole in memory.
 * @example const bytes = await readCappedBody(await fetch(url));
 */
export async function readCappedBody(response: Response, maxBytes = MAX_MEDIA_BYTES): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new MediaRefused('tooLarge', `download of ${declared} bytes, more than ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    size += chunk.length;
    // Leaving the loop cancels the rest of the download.
    if (size > maxBytes) throw new MediaRefused('tooLarge', `download passed ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
