import type { RenderedReply } from '../../core/i18n/createTranslator.js';
import { countSegments, toGsm7 } from './gsm7.js';

export interface SmsRenderOptions {
  /** "Balas" / "Reply", in the citizen's language. */
  replyWord: string;
  /** Most parts one reply may take; the rest is cut with "...". */
  maxParts: number;
}

const PART_BUDGET = 153;

/**
 * One reply as SMS texts: GSM-7 only, choices as "Balas 1 Izin, 2 Aduan", and when longer than
 * one message, parts split at word boundaries, each marked "(1/3)" and within 153 characters.
 */
export function renderSms(reply: RenderedReply, options: SmsRenderOptions): string[] {
  const menu =
    reply.options.length > 0
      ? `\n${options.replyWord} ${reply.options.map((o, i) => `${i + 1} ${o.label}`).join(', ')}`
      : '';
  const text = toGsm7(`${reply.text}${menu}`).trim();
  if (text === '') return [];
  if (countSegments(text).segments <= 1) return [text];

  // Each part carries a marker "(i/n) "; its width depends on n, so split again until it fits.
  let bodies: string[] = [];
  for (let markerWidth = 6; ; markerWidth += 2) {
    bodies = splitAtWords(text, PART_BUDGET - markerWidth);
    if (`(${bodies.length}/${bodies.length}) `.length <= markerWidth) break;
  }
  if (bodies.length > options.maxParts) {
    const marker = `(${options.maxParts}/${options.maxParts}) `.length;
    bodies.length = options.maxParts;
    bodies[bodies.length - 1] =
      `${splitAtWords(bodies[bodies.length - 1] ?? '', PART_BUDGET - marker - 3)[0] ?? ''}...`;
  }
  return bodies.map((body, i) => `(${i + 1}/${bodies.length}) ${body}`);
}

/** Splits text into pieces of at most `budget` GSM-7 units, breaking at spaces or newlines. */
export function splitAtWords(text: string, budget: number): string[] {
  const words = text.split(/(?<=[ \n])/);
  const parts: string[] = [];
  let current = '';
  for (const word of words) {
    if (countSegments(current + word).units <= budget) {
      current += word;
      continue;
    }
    if (current.trim()) parts.push(current.trim());
    current = word;
    // A single word longer than a part (a URL, say) is cut hard, counting GSM-7 units.
    while (countSegments(current).units > budget) {
      const chars = Array.from(current);
      let cut = 0;
      while (cut < chars.length && countSegments(chars.slice(0, cut + 1).join('')).units <= budget) cut++;
      parts.push(chars.slice(0, cut).join(''));
      current = chars.slice(cut).join('');
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
