import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaRef } from '../conversation/types.js';
import { MAX_MEDIA_BYTES, PHOTO_EXTENSIONS } from './mediaLimits.js';
import { readCappedBody } from './readCappedBody.js';

/** Fetches the bytes behind a media reference: data: URLs, local files, or http(s). */
export type MediaFetcher = (ref: MediaRef) => Promise<Buffer>;

/** Percent-decoding to bytes, not to UTF-8 text: a data: URL may carry any binary. */
function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** The default fetcher: `data:` and `file:` here, http(s) with a timeout and a size cap. */
export const fetchMedia: MediaFetcher = async (ref) => {
  if (ref.url.startsWith('data:')) {
    const comma = ref.url.indexOf(',');
    const meta = ref.url.slice(5, comma);
    const payload = ref.url.slice(comma + 1);
    return meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : percentDecode(payload);
  }
  if (ref.url.startsWith('file:')) return readFile(new URL(ref.url));
  if (/^https?:/.test(ref.url)) {
    const response = await fetch(ref.url, { signal: AbortSignal.timeout(20_000) });
    if (!response.ok) throw new Error(`media fetch answered ${response.status}`);
    return readCappedBody(response);
  }
  throw new Error('media reference of an unknown kind');
};

/**
 * Keeps a file by the SHA-256 of its content under `dir/ab/abcdef....ext`, so the same photo sent
 * twice is stored once and survives the chat platform's link expiring. Returns its hash.
 */
export async function storeMedia(
  dir: string,
  bytes: Buffer,
  mimeType: string,
): Promise<{ sha256: string; path: string; sizeBytes: number }> {
  if (bytes.length === 0) throw new Error('empty file');
  if (bytes.length > MAX_MEDIA_BYTES) throw new Error('file larger than 10 MB');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = path.join(dir, sha256.slice(0, 2), `${sha256}.${PHOTO_EXTENSIONS[mimeType] ?? 'bin'}`);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(path.dirname(file), { recursive: true });
    // Written under a temporary name and renamed, so a crash never leaves half a file at the final name.
    const temporary = `${file}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  }
  return { sha256, path: file, sizeBytes: bytes.length };
}
