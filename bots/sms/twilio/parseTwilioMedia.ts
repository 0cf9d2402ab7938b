import type { MediaRef } from '../../../core/conversation/types.js';
import { stringOf } from '../../readNative.js';

/** Twilio takes up to 10 media in one message. */
const MAX_MEDIA = 10;

/**
 * The media of an inbound MMS, from the webhook's `NumMedia`, `MediaUrl{N}` and
 * `MediaContentType{N}` fields (Twilio, "Twilio's request to your incoming message Webhook URL",
 * https://www.twilio.com/docs/messaging/guides/webhook-request), as `twilio-media:<MediaUrl>`
 * references; the media is fetched later with the account's credentials. Empty for an SMS.
 * @example parseTwilioMedia({ NumMedia: '1', MediaUrl0: 'https://api.twilio.com/...', MediaContentType0: 'image/jpeg' })
 */
export function parseTwilioMedia(form: Record<string, unknown>): MediaRef[] {
  const count = Math.min(Number(form.NumMedia) || 0, MAX_MEDIA);
  const media: MediaRef[] = [];
  for (let n = 0; n < count; n++) {
    const url = stringOf(form[`MediaUrl${n}`], 2000);
    if (!url || !/^https?:\/\//.test(url)) continue;
    const mimeType = stringOf(form[`MediaContentType${n}`], 200) ?? 'application/octet-stream';
    media.push({ mimeType, url: `twilio-media:${url}` });
  }
  return media;
}
