import type { InboundEvent, MediaRef, MediaRefusal } from '../conversation/types.js';
import { MAX_MEDIA_BYTES } from '../media/mediaLimits.js';
import { MediaRefused } from '../media/MediaRefused.js';
import { photoType } from '../media/photoType.js';
import { storeMedia } from '../media/storeMedia.js';
import type { InboxDeps } from './inboxTypes.js';

/**
 * Stores each photo by content hash and hands the core `sha256:<hash>` references; a photo that
 * cannot be kept (too large, not a photo, the download failed) is named with its reason, so the
 * citizen is told while the rest of their message is read as usual.
 */
export async function keepMedia(
  deps: InboxDeps,
  event: InboundEvent,
): Promise<{ media: MediaRef[]; mediaNotKept: MediaRefusal[] | undefined }> {
  const kept: MediaRef[] = [];
  const notKept: MediaRefusal[] = [];
  for (const ref of event.media ?? []) {
    try {
      const bytes = await deps.fetchMedia(ref);
      if (bytes.length > MAX_MEDIA_BYTES) throw new MediaRefused('tooLarge', `${bytes.length} bytes`);
      // The bytes say what the file is; a provider's declared type may be wrong.
      const mimeType = photoType(bytes);
      if (!mimeType) throw new MediaRefused('notAPhoto', `sent as ${ref.mimeType}, not a JPEG, PNG or WebP`);
      const file = await storeMedia(deps.mediaDir, bytes, mimeType);
      await deps.prisma.mediaFile.upsert({
        where: { sha256: file.sha256 },
        create: { sha256: file.sha256, path: file.path, mimeType, sizeBytes: file.sizeBytes },
        update: {},
      });
      kept.push({ mimeType, url: `sha256:${file.sha256}` });
    } catch (error) {
      const reason = error instanceof MediaRefused ? error.reason : 'unavailable';
      notKept.push(reason);
      deps.logger.warn(
        { channel: event.channel, address: event.address, reason, detail: (error as Error).message },
        'photo not kept',
      );
    }
  }
  return { media: kept, mediaNotKept: notKept.length > 0 ? notKept : undefined };
}
