import type { RenderedReply } from '../../core/i18n/createTranslator.js';
import { countSegments, toGsm7 } from './gsm7.js';

export interface SmsRenderOptions {
  /** "Balas" / "Reply", in the citizen's language. */
  replyWord: string;
  /** Most parts one reply may take; past it the text is cut with "...", never the options. */
  maxParts: number;
}

const PART_BUDGET = 153;
/** A last part shorter than this takes lines from the part before it ("(3/3) utama" reads badly). */
const MIN_LAST_PART = 40;

/** A piece of text and what joins it to the piece before it in the same part. */
interface Piece {
  text: string;
  sep: string;
}

const units = (text: string) => countSegments(text).units;

/**
 * A sentence ends at ".", "!" or "?" after a word of four letters or digits and before a capital
 * letter ("... Jam layanan", "... 2026. Pembayaran"), not after "Jl." or "No." ("Jl. Merdeka No. 1").
 */
const SENTENCE = /(?<=[\p{L}\p{N}]{4,}[.!?])\s+(?=\p{Lu})/u;
const SENTENCE_END = new RegExp(`${SENTENCE.source}|(?<=[,;])\\s+`, 'u');

/** A line too long for one part, in clauses: at sentence ends and commas, never after "label:". */
function clauses(line: string): string[] {
  return line.split(SENTENCE_END).filter(Boolean);
}

/** A line in sentences only. */
function sentences(line: string): string[] {
  return line.split(SENTENCE).filter(Boolean);
}

/** How a text is cut into pieces: lines whole; or at their sentences; and a line too long for a part at its clauses or its words. */
type Cutting = { wholeLines: boolean; longLines: 'clauses' | 'words' };

/**
 * The pieces of a text for a part budget, as `cutting` says: its lines; a line longer than a part
 * in clauses or words; a clause longer than a part in words (a word longer than a part cut hard).
 */
function piecesOf(text: string, budget: number, cutting: Cutting): Piece[] {
  const pieces: Piece[] = [];
  text.split('\n').forEach((line, i) => {
    const sep = i === 0 ? '' : '\n';
    // A line is broken only where it must be, or at its sentences when that saves a part; never
    // at a comma then ("2024: Rp636.115, BELUM DIBAYAR" stays one).
    const fits = units(line) <= budget;
    if (fits && (cutting.wholeLines || sentences(line).length === 1)) return void pieces.push({ text: line, sep });
    // Words of a text too long for a part, the first after the separator the text had.
    const pushWords = (long: string, first: string) =>
      splitAtWords(long, budget).forEach((word, k) => pieces.push({ text: word, sep: k === 0 ? first : ' ' }));
    if (!fits && cutting.longLines === 'words') return pushWords(line, sep);
    (fits ? sentences(line) : clauses(line)).forEach((clause, j) => {
      const clauseSep = j === 0 ? sep : ' ';
      if (units(clause) <= budget) return void pieces.push({ text: clause, sep: clauseSep });
      pushWords(clause, clauseSep);
    });
  });
  return pieces.filter((p) => p.text.trim() !== '');
}

const render = (part: Piece[]) => part.map((p, i) => (i === 0 ? p.text : p.sep + p.text)).join('');

/**
 * Packs a text into parts of at most `budget` units with no orphan at the end: whole lines where
 * that costs no more parts than breaking lines at their clauses would.
 */
function pack(text: string, budget: number): string[] {
  // Readability first (whole lines, long lines at their clauses), fewer parts when another
  // cutting saves one: every part costs money.
  const cuttings: Cutting[] = [
    { wholeLines: true, longLines: 'clauses' },
    { wholeLines: false, longLines: 'clauses' },
    { wholeLines: true, longLines: 'words' },
  ];
  let best: string[] | null = null;
  for (const cutting of cuttings) {
    const parts = packPieces(piecesOf(text, budget, cutting), budget);
    if (!best || parts.length < best.length) best = parts;
  }
  return best!;
}

function packPieces(pieces: Piece[], budget: number): string[] {
  const parts: Piece[][] = [];
  let current: Piece[] = [];
  for (const piece of pieces) {
    if (current.length > 0 && units(render([...current, piece])) <= budget) current.push(piece);
    else {
      if (current.length > 0) parts.push(current);
      current = [piece];
    }
  }
  if (current.length > 0) parts.push(current);
  // A short last part takes pieces from the end of the one before, while both stay whole.
  while (parts.length >= 2) {
    const last = parts[parts.length - 1]!;
    const before = parts[parts.length - 2]!;
    if (units(render(last)) >= MIN_LAST_PART || before.length < 2) break;
    const moved = [before[before.length - 1]!, ...last];
    if (units(render(moved)) > budget) break;
    parts[parts.length - 1] = moved;
    parts[parts.length - 2] = before.slice(0, -1);
  }
  return parts.map((p) => render(p).trim());
}

/** Packs a text into parts marked "(i/n) "; the marker's width depends on n, so packs until it fits. */
function marked(text: string): string[] {
  for (let markerWidth = 6; ; markerWidth += 2) {
    const bodies = pack(text, PART_BUDGET - markerWidth);
    if (`(${bodies.length}/${bodies.length}) `.length <= markerWidth) {
      return bodies.length === 1 ? bodies : bodies.map((body, i) => `(${i + 1}/${bodies.length}) ${body}`);
    }
  }
}

/**
 * One reply as SMS texts: GSM-7 only, choices as "Balas 1 Izin, 2 Aduan". Longer than one
 * message, it is split at line breaks first, then at sentence ends and commas, words last; a
 * line that fits a part is never broken, nor a label from its value ("Target selesai: 3 Des
 * 2026 01.42 WIB"); each part is marked "(1/3)" and within 153 units. Past `maxParts` the text
 * is cut with "..." and the options still come whole at the end.
 */
export function renderSms(reply: RenderedReply, options: SmsRenderOptions): string[] {
  const menu =
    reply.options.length > 0
      ? toGsm7(`${options.replyWord} ${reply.options.map((o, i) => `${i + 1} ${o.label}`).join(', ')}`).trim()
      : '';
  const body = toGsm7(reply.text).trim();
  const whole = [body, menu].filter(Boolean).join('\n');
  if (whole === '') return [];
  if (countSegments(whole).segments <= 1) return [whole];
  const parts = marked(whole);
  if (parts.length <= options.maxParts) return parts;

  // Too long: keep as many of the body's words as fit, then "...", then the options.
  const ends = [...body.matchAll(/\S+/g)].map((m) => (m.index ?? 0) + m[0].length);
  const cutAt = (count: number) => {
    const kept = count > 0 ? body.slice(0, ends[count - 1]).replace(/[\s,.;:]+$/, '') : '';
    return marked([`${kept}...`, menu].filter(Boolean).join('\n'));
  };
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cutAt(mid).length <= options.maxParts) low = mid;
    else high = mid - 1;
  }
  return cutAt(low);
}

/** Splits text into pieces of at most `budget` GSM-7 units, breaking at spaces or newlines. */
export function splitAtWords(text: string, budget: number): string[] {
  const words = text.split(/(?<=[ \n])/);
  const parts: string[] = [];
  let current = '';
  for (const word of words) {
    if (units(current + word) <= budget) {
      current += word;
      continue;
    }
    if (current.trim()) parts.push(current.trim());
    current = word;
    // A single word longer than a part (a URL, say) is cut hard, counting GSM-7 units.
    while (units(current) > budget) {
      const chars = Array.from(current);
      let cut = 0;
      while (cut < chars.length && units(chars.slice(0, cut + 1).join('')) <= budget) cut++;
      parts.push(chars.slice(0, cut).join(''));
      current = chars.slice(cut).join('');
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
