/**
 * What the city keeps of what citizens send: photos up to this size, of these types. The bytes
 * decide the type, not the name or the type a provider declares. No imports: the pure
 * conversation core reads the limit to tell the citizen.
 */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/** The limit as a citizen reads it. */
export const MAX_MEDIA_MB = MAX_MEDIA_BYTES / (1024 * 1024);

/** The photo types kept, each with the extension its file is stored under. */
export const PHOTO_EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};
