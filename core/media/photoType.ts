/**
 * The photo type the bytes themselves say they are, by their signature, or null when they are
 * not a JPEG, PNG or WebP: a provider's declared type is not trusted (a PDF sent as a
 * "document", a file renamed .jpg).
 * @example photoType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])) // 'image/jpeg'
 */
export function photoType(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  // JPEG: SOI marker then the first marker's FF (JFIF E0, Exif E1, raw DB...).
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  // PNG: its eight-byte signature (RFC 2083, 3.1).
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  // WebP: a RIFF container whose form type is WEBP (RFC 9649, 2.5).
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  return null;
}
