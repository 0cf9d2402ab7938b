import type { Client } from 'whatsapp-web.js';
import { MAX_MEDIA_BYTES } from '../../../core/media/mediaLimits.js';
import { MediaRefused } from '../../../core/media/MediaRefused.js';

/** The part of a whatsapp-web.js Client that fetching a photo needs. */
export type WhatsAppWebMediaClient = Pick<Client, 'getMessageById'>;

/**
 * Downloads the file of a message a citizen sent on the WhatsApp Web session, by the serialized
 * message id of its `wa-media:<id>` reference: the session finds the message (getMessageById),
 * then `downloadMedia()` gives its bytes as MessageMedia (base64 `data`, `mimetype`, `filesize`).
 * A file the message says is over the limit is refused before it is downloaded; a message the
 * session no longer has, or media WhatsApp no longer serves, is `unavailable`.
 * @example const bytes = await createWebMediaFetcher(client)('false_6281234567890@c.us_3EB0A1C2E3F4A5B6C7D4');
 */
export function createWebMediaFetcher(client: WhatsAppWebMediaClient): (messageId: string) => Promise<Buffer> {
  return async (messageId) => {
    const message = await client.getMessageById(messageId);
    if (!message) throw new MediaRefused('unavailable', 'the WhatsApp Web session no longer has the message');
    // The page's message model carries the file's size (whatsapp-web.js keeps it in rawData only).
    const raw: { size?: unknown } = message.rawData ?? {};
    if (typeof raw.size === 'number' && raw.size > MAX_MEDIA_BYTES) {
      throw new MediaRefused('tooLarge', `WhatsApp Web says ${raw.size} bytes`);
    }
    const media = await message.downloadMedia();
    // undefined: no media, or WhatsApp could not serve it (expired, being re-uploaded).
    if (!media?.data) throw new MediaRefused('unavailable', 'WhatsApp Web gave no media for the message');
    if (typeof media.filesize === 'number' && media.filesize > MAX_MEDIA_BYTES) {
      throw new MediaRefused('tooLarge', `WhatsApp Web says ${media.filesize} bytes`);
    }
    return Buffer.from(media.data, 'base64');
  };
}
