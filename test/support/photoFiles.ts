import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const cases = JSON.parse(readFileSync(path.join(import.meta.dirname, '../complaintPhoto.cases.json'), 'utf8')) as {
  photos: Record<'grey' | 'colour', { url: string; sha256: string }>;
};

/** A real photo: the 1x1 grey PNG of test/complaintPhoto.cases.json, with its SHA-256 worked out there. */
export const PHOTO = {
  bytes: Buffer.from(cases.photos.grey.url.split(',')[1]!, 'base64'),
  sha256: cases.photos.grey.sha256,
  mimeType: 'image/png',
} as const;

/** A document that is not a photo: the first bytes of a PDF (ISO 32000-1, 7.5.2: the header `%PDF-1.7`). */
export const NOT_A_PHOTO = Buffer.from(
  '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n',
  'latin1',
);

/** Bytes that start as a JPEG and are one byte over the 10 MB the city keeps. */
export function tooLargePhoto(): Buffer {
  const bytes = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
  return bytes;
}

/** The SHA-256 of some bytes, hex. */
export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
