import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchMedia, storeMedia } from './storeMedia.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'storeMedia.cases.json'), 'utf8')) as {
  dataUrls: Array<{ label: string; url: string; hex: string }>;
  binaryPercentEncoded: { label: string; url: string; hex: string };
};

// The FIPS 180-2 test vector: SHA-256 of the three bytes "abc".
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

/** Every file under a folder, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .sort();
}

/** The error a promise rejects with, or null when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('storeMedia', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lk-store-media-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the same bytes sent twice once, under their SHA-256', async () => {
    const first = await storeMedia(dir, Buffer.from('abc'), 'image/png');
    const second = await storeMedia(dir, Buffer.from('abc'), 'image/png');

    const expectedPath = path.join(dir, 'ba', `${ABC_SHA256}.png`);
    expect(first).toEqual({ sha256: ABC_SHA256, path: expectedPath, sizeBytes: 3 });
    expect(second).toEqual(first);
    expect(filesUnder(dir)).toEqual([path.join('ba', `${ABC_SHA256}.png`)]);
    expect(readFileSync(expectedPath, 'utf8')).toBe('abc');
  });

  it('stores different bytes as two files', async () => {
    const a = await storeMedia(dir, Buffer.from('abc'), 'image/jpeg');
    const b = await storeMedia(dir, Buffer.from('abd'), 'image/jpeg');
    expect(a.sha256).toBe(ABC_SHA256);
    expect(b.sha256).not.toBe(a.sha256);
    expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(filesUnder(dir)).toHaveLength(2);
    expect(readFileSync(b.path, 'utf8')).toBe('abd');
  });

  it.each([
    { mimeType: 'image/jpeg', extension: 'jpg' },
    { mimeType: 'image/png', extension: 'png' },
    { mimeType: 'image/webp', extension: 'webp' },
    { mimeType: 'application/pdf', extension: 'bin' },
  ])('names a $mimeType file .$extension', async ({ mimeType, extension }) => {
    const stored = await storeMedia(dir, Buffer.from('abc'), mimeType);
    expect(path.basename(stored.path)).toBe(`${ABC_SHA256}.${extension}`);
  });

  it('refuses an empty file and writes nothing', async () => {
    const error = await failureOf(storeMedia(dir, Buffer.alloc(0), 'image/jpeg'));
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/empty/);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('takes exactly 10 MB and refuses one byte more', async () => {
    const limit = 10 * 1024 * 1024;
    const stored = await storeMedia(dir, Buffer.alloc(limit, 1), 'image/jpeg');
    expect(stored.sizeBytes).toBe(limit);
    const error = await failureOf(storeMedia(dir, Buffer.alloc(limit + 1, 2), 'image/jpeg'));
    expect(String(error)).toMatch(/larger than 10 MB/);
    expect(filesUnder(dir)).toHaveLength(1);
  });

  // BUG: storeMedia writes to `<file>.<pid>.tmp`, a name shared by every call in the process. Two
  // messages carrying the same photo at the same moment both write that one temporary file and
  // both rename it: the second rename finds nothing (ENOENT), so one of the two messages logs
  // "photo not kept" and loses the photo. Five photos, each stored twice at once: all ten calls
  // should resolve to the same file per photo.
  it('stores the same photo sent twice at the same moment', async () => {
    const photos = [1, 2, 3, 4, 5].map((n) => Buffer.from(`foto jalan ${n}`));
    const results = await Promise.allSettled(
      photos.flatMap((bytes) => [storeMedia(dir, bytes, 'image/jpeg'), storeMedia(dir, bytes, 'image/jpeg')]),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('fulfilled'));
    expect(filesUnder(dir)).toHaveLength(5);
  });
});

describe('fetchMedia', () => {
  it.each(fixture.dataUrls)('reads a data: URL, $label', async ({ url, hex }) => {
    const bytes = await fetchMedia({ mimeType: 'image/png', url });
    expect(bytes.toString('hex')).toBe(hex);
  });

  // BUG: percent-encoded data: URLs carry octets (RFC 2397), but fetchMedia decodes them with
  // decodeURIComponent, which takes them for UTF-8 and throws "URI malformed" on any byte that
  // is not valid UTF-8, such as the first byte of every PNG file.
  it(`reads a data: URL, ${fixture.binaryPercentEncoded.label}`, async () => {
    const bytes = await fetchMedia({ mimeType: 'image/png', url: fixture.binaryPercentEncoded.url });
    expect(bytes.toString('hex')).toBe(fixture.binaryPercentEncoded.hex);
  });

  it('reads a file: URL', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lk-fetch-media-'));
    try {
      const file = path.join(dir, 'foto jalan.jpg');
      writeFileSync(file, Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
      const bytes = await fetchMedia({ mimeType: 'image/jpeg', url: pathToFileURL(file).href });
      expect(bytes.toString('hex')).toBe('ffd8ffe0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a reference of an unknown kind', async () => {
    const error = await failureOf(fetchMedia({ mimeType: 'image/jpeg', url: 'ftp://example.org/foto.jpg' }));
    expect(String(error)).toMatch(/unknown kind/);
  });
});
