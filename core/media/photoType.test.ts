import { describe, expect, it } from 'vitest';
import { photoType } from './photoType.js';

describe('photoType', () => {
  // Signatures: JPEG SOI FF D8 FF; PNG (RFC 2083, 3.1); WebP RIFF....WEBP (RFC 9649, 2.5).
  it.each([
    { label: 'a JPEG (JFIF)', hex: 'ffd8ffe000104a464946', expected: 'image/jpeg' },
    { label: 'a JPEG (Exif)', hex: 'ffd8ffe1', expected: 'image/jpeg' },
    { label: 'a PNG', hex: '89504e470d0a1a0a0000000d', expected: 'image/png' },
    { label: 'a WebP', hex: '52494646240000005745425056503820', expected: 'image/webp' },
    { label: 'a PDF', hex: '255044462d312e37', expected: null },
    { label: 'a GIF', hex: '474946383961', expected: null },
    { label: 'a RIFF that is a WAV', hex: '524946462400000057415645', expected: null },
    { label: 'nothing', hex: '', expected: null },
    { label: 'half a PNG signature', hex: '89504e47', expected: null },
  ])('$label: $expected', ({ hex, expected }) => {
    expect(photoType(Buffer.from(hex, 'hex'))).toBe(expected);
  });
});
