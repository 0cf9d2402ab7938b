/**
 * Text from outside made safe to store and to read: PostgreSQL refuses a NUL character in text
 * and in jsonb, and jsonb refuses a lone UTF-16 surrogate (half of an emoji, as a cut that counts
 * UTF-16 units leaves). Applied at the edge, before anything else sees the text.
 */

// C0 controls other than tab, line feed and carriage return, and DEL: never part of a message.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` without NUL and other control characters, lone surrogates replaced by U+FFFD, and at
 * most `maxCodePoints` code points long, cut between two characters as a reader sees them
 * (graphemes), so an emoji, a flag or a letter with its accent is never split.
 * @example storableText('halo\u0000 👋🏽', 6) // 'halo ' (the waving hand and its skin tone go together)
 */
export function storableText(text: string, maxCodePoints: number): string {
  const clean = text.replace(CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
  // Fast path: short text needs no cutting (a code point is at least one UTF-16 unit).
  if (clean.length <= maxCodePoints) return clean;
  let kept = 0;
  let end = 0;
  for (const { segment, index } of segmenter.segment(clean)) {
    const points = codePoints(segment);
    if (kept + points > maxCodePoints) break;
    kept += points;
    end = index + segment.length;
  }
  return clean.slice(0, end);
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point (the text is well formed here).
    if (unit >= 0xd800 && unit <= 0xdbff) i++;
    count++;
  }
  return count;
}
