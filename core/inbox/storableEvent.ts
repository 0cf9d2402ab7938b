import type { InboundEvent } from '../conversation/types.js';
import { storableText } from '../domain/storableText.js';

/** Ids, addresses and references longer than this are not a provider's: cut, never refused. */
const MAX_REF_CHARS = 500;

/**
 * An inbound event every part of which PostgreSQL can store (no NUL, no half character), with
 * its text cut to `maxChars` code points. A location that is not a pair of finite numbers is
 * dropped.
 */
export function storableEvent(event: InboundEvent, maxChars: number): InboundEvent {
  const ref = (value: string) => storableText(value, MAX_REF_CHARS);
  const optional = (value: string | undefined, max: number) =>
    typeof value === 'string' ? storableText(value, max) : undefined;
  const { location } = event;
  return {
    ...event,
    address: ref(event.address),
    externalId: ref(event.externalId),
    text: optional(event.text, maxChars),
    choice: optional(event.choice, MAX_REF_CHARS),
    phone: optional(event.phone, MAX_REF_CHARS),
    location:
      location && Number.isFinite(location.latitude) && Number.isFinite(location.longitude) ? location : undefined,
    media: event.media?.map((m) => ({ ...m, mimeType: ref(m.mimeType), url: storableText(m.url, 4000) })),
  };
}
