import { NOP_DIGIT_RUNS, parseNop } from '../../domain/nop.js';
import { findTrackingNumber, parseTrackingNumber } from '../../domain/trackingNumber.js';
import type { Lang } from '../types.js';
import {
  PRIVACY_INTENTS,
  type CommandIntent,
  type Lexicon,
  type Phrase,
  type PrivacyIntent,
  type ServiceIntent,
  type SmallTalk,
} from './Lexicon.js';
import { coveredBy, findPhrase, isOneOf, longestFound } from './matchWords.js';
import { tokenize, withoutParticles, type Token } from './tokenize.js';

/** What a message says, read once and handed to the flows. */
export interface Reading {
  /** The message as typed, trimmed. */
  text: string;
  /** Its words, canonical, particles dropped (unless there was nothing else). */
  words: string[];
  tokens: Token[];
  /** A whole-message command that works from any step ("menu", "batal", "kembali", "bantuan", "bahasa"). */
  command: CommandIntent | null;
  /** The service a sentence names ("mau bayar pajak bumi" is PBB), strongest first. */
  service: ServiceIntent | null;
  /** The message opens with a service's word ("aduan ...", "izin ..."). */
  leadingService: boolean;
  /** The message is nothing but a service's words ("pbb", "cek status", "mau lapor"). */
  onlyService: boolean;
  smallTalk: SmallTalk | null;
  /** A language named outright ("english", "bahasa indonesia"). */
  language: Lang | null;
  /** A complete NOP in the text, and whether the message is only that (with PBB words around it). */
  nop: string | null;
  nopTask: boolean;
  /** A tracking number in the text, and whether the message is only that (with "cek", "status"). */
  trackingNumber: string | null;
  trackTask: boolean;
  /** "NILAI A17599941 5": a rating of a case, from any step. */
  rating: { trackingNumber: string; stars: number | null } | null;
  /**
   * A personal-data request from any step: "PRIVASI", "DATA SAYA", "UBAH DATA", "HAPUS DATA
   * SAYA", "BERHENTI EMAIL"; `about` is what follows the words ("data saya P48271633": whose
   * data is asked for), null when nothing does.
   */
  privacy: { intent: PrivacyIntent; about: string | null } | null;
}

// "data saya P48271633 ya": a request's words, then at most this many words naming what it is about.
const PRIVACY_ABOUT_WORDS = 3;

function privacyOf(words: readonly string[], all: readonly string[], lexicon: Lexicon): Reading['privacy'] {
  for (const intent of PRIVACY_INTENTS) {
    const phrases = lexicon.privacy[intent];
    if (isOneOf(words, phrases, lexicon) || isOneOf(all, phrases, lexicon)) return { intent, about: null };
  }
  for (const intent of PRIVACY_INTENTS) {
    for (const p of lexicon.privacy[intent]) {
      if (findPhrase(all, p, lexicon) !== 0) continue;
      const rest = all.slice(p.length).filter((w) => /[\p{L}\p{N}]/u.test(w));
      if (rest.length > 0 && rest.length <= PRIVACY_ABOUT_WORDS) return { intent, about: rest.join(' ') };
    }
  }
  return null;
}

// Strongest first when two services are named with equally long phrases: "cek pbb" a PBB
// lookup, "status izin" a tracking question.
const SERVICE_ORDER: readonly ServiceIntent[] = ['complaint', 'pbb', 'track', 'permit'];
// A complaint word makes a complaint of a sentence about a tax or a permit, however long the
// phrase that names them ("lapor tagihan pajak salah", "aduan izin lama"). A tracking phrase
// still wins when it holds more ("status aduan pajak" asks after a complaint).
const COMPLAINT_ABOUT: ReadonlySet<ServiceIntent> = new Set(['pbb', 'permit']);
const COMMAND_ORDER: readonly CommandIntent[] = ['cancel', 'menu', 'back', 'help', 'language'];
const SMALL_TALK_ORDER: readonly SmallTalk[] = ['thanks', 'greeting', 'ack'];

/** The words of a text, particles dropped. */
export function wordsOf(text: string, lexicon: Lexicon): string[] {
  return withoutParticles(tokenize(text, lexicon), lexicon).map((t) => t.word);
}

function serviceOf(words: readonly string[], lexicon: Lexicon): ServiceIntent | null {
  let best: ServiceIntent | null = null;
  let bestLength = 0;
  for (const service of SERVICE_ORDER) {
    const length = longestFound(words, lexicon.services[service], lexicon);
    if (length > bestLength) {
      best = service;
      bestLength = length;
    }
  }
  if (best && COMPLAINT_ABOUT.has(best) && longestFound(words, lexicon.services.complaint, lexicon) > 0) {
    return 'complaint';
  }
  return best;
}

/** Whether the words open with a service's word, after words such as "mau", "saya", "tolong". */
function leads(words: readonly string[], lexicon: Lexicon): boolean {
  let start = 0;
  while (start < words.length - 1 && lexicon.choiceFillers.has(words[start]!)) start++;
  const from = words.slice(start);
  return SERVICE_ORDER.some((s) => lexicon.services[s].some((p) => findPhrase(from, p, lexicon) === 0));
}

function smallTalkOf(words: readonly string[], lexicon: Lexicon): SmallTalk | null {
  const all = SMALL_TALK_ORDER.flatMap((k) => lexicon.smallTalk[k]);
  if (!coveredBy(words, all, lexicon)) return null;
  return SMALL_TALK_ORDER.find((k) => lexicon.smallTalk[k].some((p) => findPhrase(words, p, lexicon) >= 0)) ?? 'ack';
}

/** The words left after taking `found` out of the text, punctuation and particles dropped. */
function restOf(text: string, found: string, lexicon: Lexicon): string[] {
  return wordsOf(text.replace(found, ' '), lexicon).filter((w) => /[\p{L}\p{N}]/u.test(w) && !lexicon.particles.has(w));
}

/** True when every word left after taking `found` out of the text is one of the task's words. */
function onlyTaskWords(text: string, found: string, taskWords: readonly Phrase[], lexicon: Lexicon): boolean {
  const rest = restOf(text, found, lexicon);
  return rest.length === 0 || coveredBy(rest, taskWords, lexicon);
}

// A tracking number is a strong sign: a short question around one is about that case
// ("P48271633 udh selesai blm", "gmn kabar pengajuan sy P48271633").
const TRACK_QUESTION_WORDS = 6;

function readRating(words: readonly string[], text: string, lexicon: Lexicon): Reading['rating'] {
  if (words.length < 2 || !lexicon.taskWords.rate.some((p) => findPhrase(words, p, lexicon) === 0)) return null;
  const candidate = findTrackingNumber(text);
  const parsed = candidate ? parseTrackingNumber(candidate) : null;
  if (!parsed?.ok || parsed.kind === 'permit') return null;
  const after = text.slice(text.indexOf(candidate!) + candidate!.length);
  const stars = /^\D*([1-5])\b/.exec(after)?.[1];
  return { trackingNumber: parsed.trackingNumber, stars: stars ? Number(stars) : null };
}

/**
 * Reads a message with the lexicon: commands, services, small talk and the tasks that are plain
 * from any step (a NOP, a tracking number, a rating).
 * @example readMessage('cek status P48271633', lexicon).trackTask // true
 */
export function readMessage(text: string, lexicon: Lexicon): Reading {
  const trimmed = text.trim();
  const allTokens = tokenize(trimmed, lexicon);
  const tokens = withoutParticles(allTokens, lexicon);
  const words = tokens.map((t) => t.word);
  const all = allTokens.map((t) => t.word);
  const command =
    COMMAND_ORDER.find(
      (c) => isOneOf(words, lexicon.commands[c], lexicon) || isOneOf(all, lexicon.commands[c], lexicon),
    ) ?? null;
  // "english", or a language named in a command ("ganti ke english", "bhs inggris").
  const language =
    (['en', 'id'] as const).find(
      (l) =>
        isOneOf(words, lexicon.languages[l], lexicon) ||
        (command === 'language' && lexicon.languages[l].some((p) => findPhrase(words, p, lexicon) >= 0)),
    ) ?? null;

  const nopParse = parseNop(trimmed);
  const nop = nopParse.ok ? nopParse.nop : null;
  // The digits the NOP was written as ("2024 nop 12.75...": not the year before it).
  const nopDigits = nop
    ? ((trimmed.match(NOP_DIGIT_RUNS) ?? []).find((run) => run.replace(/\D/g, '').startsWith(nop)) ?? '')
    : '';
  // "cekP48271633": a number typed against the word before it.
  const spaced = trimmed.replace(/(\p{L})([PpAa]\d{7})/gu, '$1 $2');
  const candidate = findTrackingNumber(spaced);
  const tracking = candidate ? parseTrackingNumber(candidate) : null;
  const trackingNumber = tracking?.ok ? tracking.trackingNumber : null;
  // A number alone is a tracking number only when its check digit holds; with a letter or a
  // word such as "cek" it is one even when mistyped, so the citizen hears what is wrong.
  const lettered = candidate !== null && /^[PpAa]/.test(candidate);
  const around = candidate ? restOf(spaced, candidate, lexicon) : [];
  const trackTask =
    candidate !== null &&
    !nop &&
    (onlyTaskWords(spaced, candidate, lexicon.taskWords.track, lexicon) ||
      (around.length <= TRACK_QUESTION_WORDS &&
        serviceOf(around, lexicon) !== 'pbb' &&
        !around.some((w) => /\d/.test(w)) &&
        !lexicon.complaint.problemWords.some((p) => findPhrase(around, p, lexicon) >= 0))) &&
    (trackingNumber !== null || lettered || around.length > 0);

  return {
    text: trimmed,
    words,
    tokens,
    command,
    service: serviceOf(words, lexicon),
    leadingService: leads(words, lexicon),
    onlyService: coveredBy(
      words.filter((w) => !lexicon.permitSearch.fillers.has(w) || lexicon.services.permit.some((p) => p.includes(w))),
      SERVICE_ORDER.flatMap((s) => lexicon.services[s]),
      lexicon,
    ),
    smallTalk: command ? null : smallTalkOf(words, lexicon),
    language,
    nop,
    nopTask: nop !== null && onlyTaskWords(trimmed, nopDigits, lexicon.taskWords.pbb, lexicon),
    trackingNumber: trackingNumber ?? (trackTask ? candidate : null),
    trackTask,
    rating: readRating(words, trimmed, lexicon),
    privacy: command ? null : privacyOf(words, all, lexicon),
  };
}

/**
 * A number picked with a word before it: "no 2", "pilih 3", "yg 1". Bare numbers are read
 * before any words (see parseNumberChoice).
 */
export function numberPicked(reading: Reading, lexicon: Lexicon): number | null {
  const words = reading.words;
  const last = words[words.length - 1];
  if (!last || !/^\d{1,2}$/.test(last) || words.length < 2) return null;
  return words.slice(0, -1).every((w) => lexicon.numberWords.has(w)) ? Number(last) : null;
}

/** True when the words are one of the phrases, or a run of them ("ya oke"). */
export function saysOneOf(reading: Reading, phrases: readonly Phrase[], lexicon: Lexicon): boolean {
  return coveredBy(reading.words, phrases, lexicon);
}
