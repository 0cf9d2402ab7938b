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

  // Markers take up to 6 characters, "(9/9) ", so each part's body is kept below 147.
  const bodies = splitAtWords(text, PART_BUDGET - 6);
  if (bodies.length > options.maxParts) {
    bodies.length = options.maxParts;
    bodies[bodies.length - 1] = `${splitAtWords(bodies[bodies.length - 1] ?? '', PART_BUDGET - 10)[0] ?? ''}...`;
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
    // A single word longer than a part (a URL, say) is cut hard.
    while (countSegments(current).units > budget) {
      parts.push(current.slice(0, budget));
      current = current.slice(budget);
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
