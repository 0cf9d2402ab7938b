import { showMenu, MENU_OPTIONS } from './flows/menuFlow.js';
import { askNopLine, lookUpNop, onNopText, onPbbResult, startPbb } from './flows/pbbFlow.js';
import { onPermitBack, onPermitChoice, onPermitSubmitted, onPermitText, startPermit } from './flows/permitFlow.js';
import {
  onComplaintBack,
  onComplaintChoice,
  onComplaintEvent,
  onComplaintText,
  startComplaint,
} from './flows/complaintFlow.js';
import { onSmallTalk } from './flows/smallTalkFlow.js';
import {
  addPrivacyNotice,
  onPrivacyChoice,
  onPrivacyEvent,
  onPrivacyRequest,
  onPrivacyText,
} from './flows/privacyFlow.js';
import { lookUp, onCaseResult, onMyCases, onTrackText, startTrack } from './flows/trackFlow.js';
import { MAX_MEDIA_MB } from '../media/mediaLimits.js';
import { heldDraft, park, parkedList, dropStaleParked } from './parking.js';
import { line, message, option } from './replies.js';
import { Turn } from './Turn.js';
import type { ConversationState, Effect, Lang, MediaRef, StepContext, StepEvent, StepResult } from './types.js';
import { matchOption } from './understanding/matchOption.js';
import { parseNumberChoice } from './understanding/parseNumberChoice.js';
import { readComplaint } from './understanding/readComplaint.js';
import { coveredBy, findPhrase } from './understanding/matchWords.js';
import { numberPicked, readMessage, type Reading } from './understanding/readMessage.js';
import { searchPermits } from './understanding/searchPermits.js';

const LANGUAGE_OPTIONS = [option('lang.id', 'language.option.id'), option('lang.en', 'language.option.en')];

/**
 * The conversation core: given a citizen's state and one event, returns the next state, the
 * replies and the effects to perform. Pure: no I/O, no clock (time comes in `ctx.now`).
 * @example const { state, replies, effects } = step(state, { type: 'message', text: 'pbb', media: [] }, ctx);
 */
export function step(state: ConversationState, event: StepEvent, ctx: StepContext): StepResult {
  const result = stepOnce(state, event, ctx);
  // UU PDP: a resident is told who holds their data at their first message, after its answer
  // (once a query's answer has come); not with a STOP's confirmation, the one message an
  // opted-out number still gets.
  const optingOut = event.type === 'message' && event.control === 'optOut';
  if (!ctx.privacyNoticeDue || optingOut || result.effects.some(awaitsAnswer)) return result;
  const turn = new Turn(result.state);
  addPrivacyNotice(turn, ctx);
  const notice = turn.result();
  return {
    state: notice.state,
    replies: [...result.replies, ...notice.replies],
    effects: [...result.effects, ...notice.effects],
  };
}

/** Effects whose outcome comes back as the next event: the answer to the message is still to come. */
const ANSWERED_BY_EVENT: ReadonlySet<Effect['type']> = new Set([
  'query.pbb',
  'query.case',
  'query.myCases',
  'query.myData',
  'query.openCases',
  'permit.submit',
  'complaint.submit',
  'complaint.addInfo',
  'complaint.rate',
  'case.citizenReply',
  'privacy.correct',
  'privacy.erase',
]);
const awaitsAnswer = (effect: Effect) => ANSWERED_BY_EVENT.has(effect.type);

function stepOnce(state: ConversationState, event: StepEvent, ctx: StepContext): StepResult {
  const turn = new Turn(state);
  switch (event.type) {
    case 'pbb.result':
      return onPbbResult(turn, event.nop, event.taxObject, ctx).result();
    case 'permit.submitted':
      return onPermitSubmitted(turn, ctx, event.trackingNumber, event.deadlineAt).result();
    case 'permit.refused':
      return showMenu(turn, ctx, 'permit.refused').result();
    case 'case.result':
      return onCaseResult(turn, ctx, event.trackingNumber, event.view).result();
    case 'cases.mine':
      return onMyCases(turn, event.cases).result();
    case 'case.citizenReplied':
      if (event.forwarded) {
        return turn
          .say(message([line('officer.forwardedToOfficer', { trackingNumber: event.trackingNumber })]))
          .result();
      }
      // The thread is over (the case closed, the officer gone): the words are read as any
      // message, so "halo" is greeted and a new problem is a new complaint.
      turn.state = { ...turn.state, thread: null };
      if (event.text) return onMessage(turn, { type: 'message', text: event.text, media: [] }, ctx, false).result();
      return showMenu(turn, ctx, 'menu.notUnderstood', undefined, false).result();
    case 'complaint.submitted':
    case 'complaint.duplicateFound':
    case 'complaint.added':
    case 'complaint.rated':
    case 'complaint.refused':
      return onComplaintEvent(turn, ctx, event).result();
    case 'privacy.myData':
    case 'privacy.openCases':
    case 'privacy.corrected':
    case 'privacy.erased':
      return onPrivacyEvent(turn, ctx, event).result();
    case 'message':
      break;
  }

  const firstContact = state.lastActivityAt === null;
  if (isIdle(state, ctx)) {
    // Start fresh, keeping a half-filled draft to resume; a bare number typed now was meant for
    // a menu the citizen no longer sees.
    const held = heldDraft(state);
    if (held) park(turn, held, state.lastActivityAt!);
    turn.go({ name: 'menu' }).notice(line('session.expired'));
    turn.state = { ...turn.state, options: [], optionLabels: [] };
  }
  turn.state = { ...turn.state, lastActivityAt: ctx.now.toISOString() };
  dropStaleParked(turn, ctx);
  const working = heldDraft(turn.state);
  // A photo that could not be kept is said in front of the answer to the rest of the message.
  for (const reason of new Set(event.mediaNotKept ?? [])) {
    turn.notice(line(`media.notKept.${reason}`, { maxMb: MAX_MEDIA_MB }));
  }
  onMessage(turn, event, ctx, firstContact);
  // Leaving a draft for anything but sending it or BATAL keeps it to resume.
  const stillHeld = heldDraft(turn.state);
  const submitting = turn.state.flow.name === 'permit.submitting' || turn.state.flow.name === 'complaint.submitting';
  const left = !stillHeld || stillHeld.kind !== working?.kind;
  if (working && left && !submitting && !turn.discarded) park(turn, working, ctx.now.toISOString());
  return turn.result();
}

function onMessage(turn: Turn, event: Extract<StepEvent, { type: 'message' }>, ctx: StepContext, first: boolean): Turn {
  if (event.start) return showMenu(turn, ctx, 'menu.welcome', { city: ctx.city.name });
  if (event.control === 'optOut') {
    // The one message an opted-out number still gets: how to come back.
    turn.do({ type: 'citizen.setSmsOptOut', optOut: true });
    return turn.go({ name: 'menu' }).say(message([line('sms.optedOut')]));
  }
  if (event.control === 'optIn') {
    turn.do({ type: 'citizen.setSmsOptOut', optOut: false });
    return showMenu(turn, ctx, 'sms.optedIn');
  }

  let choice = event.choice;
  // A bare number picks from the options on screen; "0" is the back command; where nothing is
  // offered (the NOP prompt, say) the number is the step's own text to read.
  const typedNumber = choice ? null : parseNumberChoice(event.text);
  const onScreen = turn.state.options;
  if (typedNumber !== null && typedNumber > 0 && onScreen.length > 0) {
    choice = onScreen[typedNumber - 1];
    if (!choice) {
      // The options on screen stay what a number refers to: the hint asks for one of them.
      return turn.aside(message([line('input.badNumber', { number: typedNumber, max: onScreen.length })]));
    }
  }
  const reading = readMessage(event.text, ctx.words);
  const picked = choice ? null : numberPicked(reading, ctx.words);
  if (picked !== null && picked > 0 && onScreen[picked - 1]) choice = onScreen[picked - 1];
  if (!choice && onScreen.length > 0 && !reading.command) {
    // A reply in words names an option on screen: "kirim", "ya", "lanjutkan pengajuan".
    const labels = turn.state.optionLabels ?? [];
    const offered = onScreen.map((id, i) => ({ id, label: labels[i] }));
    choice = matchOption(reading, offered, ctx.city, ctx.words) ?? undefined;
  }
  if (choice) return onChoice(turn, choice, ctx);
  return onText(turn, reading, event.media, event.location, ctx, first);
}

function isIdle(state: ConversationState, ctx: StepContext): boolean {
  return (
    state.lastActivityAt !== null &&
    state.flow.name !== 'menu' &&
    ctx.now.getTime() - Date.parse(state.lastActivityAt) > ctx.idleTimeoutMs
  );
}

function onChoice(turn: Turn, choice: string, ctx: StepContext): Turn {
  if (onPermitChoice(turn, ctx, choice) || onComplaintChoice(turn, ctx, choice) || onPrivacyChoice(turn, ctx, choice))
    return turn;
  if (choice.startsWith('track.this:')) return lookUp(turn, choice.slice('track.this:'.length));
  if (choice.startsWith('track.history:')) return lookUp(turn, choice.slice('track.history:'.length), true);
  if (choice.startsWith('pbb.detail:')) return lookUpNop(turn, choice.slice('pbb.detail:'.length), true);
  switch (choice) {
    case 'menu.pbb':
    case 'pbb.again':
      return startPbb(turn, ctx);
    case 'menu.track':
      return startTrack(turn);
    case 'menu.language':
      return turn.go({ name: 'language' }).say(message([line('language.ask')], LANGUAGE_OPTIONS));
    case 'menu.help':
      return help(turn, ctx);
    case 'nav.menu':
      return showMenu(turn, ctx);
    case 'lang.id':
    case 'lang.en':
      return setLanguage(turn, ctx, choice === 'lang.id' ? 'id' : 'en');
    default:
      // A button from an old message that no longer means anything here.
      return showMenu(turn, ctx, 'menu.pickFromMenu');
  }
}

/** A step that reads digits as its answer: a NIK or phone number typed there is not a NOP or case number. */
function takesNumbers(state: ConversationState): boolean {
  return state.flow.name === 'permit.form' && (state.flow.at === 'nik' || state.flow.at === 'phone');
}

function onText(
  turn: Turn,
  reading: Reading,
  media: MediaRef[],
  location: { latitude: number; longitude: number } | undefined,
  ctx: StepContext,
  first: boolean,
): Turn {
  const flow = turn.state.flow.name;
  switch (reading.command) {
    case 'menu':
      return showMenu(turn, ctx);
    case 'cancel':
      turn.discarded = true;
      return showMenu(turn, ctx, flow !== 'menu' ? 'nav.cancelled' : undefined);
    case 'back':
      return onPermitBack(turn, ctx) || onComplaintBack(turn, ctx) ? turn : showMenu(turn, ctx);
    case 'help':
      return help(turn, ctx);
    case 'language':
      return reading.language ? setLanguage(turn, ctx, reading.language) : onChoice(turn, 'menu.language', ctx);
    default:
      break;
  }

  // A personal-data request works from any step, as the commands do (PRIVASI, DATA SAYA, ...).
  if (reading.privacy) return onPrivacyRequest(turn, ctx, reading.privacy);

  // Tasks plain from any step: a rating, a tracking number, a NOP ("CEK P48271633", "PBB 12.75...").
  if (reading.rating) return rate(turn, ctx, reading.rating.trackingNumber, reading.rating.stars);
  // At a NIK or phone step bare digits are the answer; "PBB 1275..." or "cek P4827..." still are tasks.
  if (!takesNumbers(turn.state) || /\p{L}/u.test(reading.text)) {
    if (reading.trackTask && reading.trackingNumber) return lookUp(turn, reading.trackingNumber);
    if (reading.nopTask && reading.nop) return lookUpNop(turn, reading.nop);
  }

  // Steps that take free text (a name, an address) read it before any keyword does.
  if (
    onPermitText(turn, ctx, reading, media) ||
    onComplaintText(turn, ctx, reading, media, location) ||
    onPrivacyText(turn, ctx, reading)
  )
    return turn;

  switch (flow) {
    case 'pbb.askNop':
    case 'pbb.lookingUp':
      if (onNopText(turn, reading, ctx)) return turn;
      return anyService(turn, reading, ctx, first) ?? turn.say(message([askNopLine(ctx, true)]));
    case 'track.ask':
    case 'track.lookingUp':
      if (onTrackText(turn, reading)) return turn;
      return anyService(turn, reading, ctx, first) ?? lookUp(turn, reading.text);
    case 'language':
      if (reading.language) return setLanguage(turn, ctx, reading.language);
      return turn.say(message([line('language.ask')], LANGUAGE_OPTIONS));
    default:
      return anyService(turn, reading, ctx, first) ?? showMenu(turn, ctx, 'menu.notUnderstood', undefined, false);
  }
}

/**
 * What a message means outside any step that reads it: a parked draft resumed, a service named,
 * an answer to an officer, a NOP, a problem told in plain words, a permit named, small talk.
 * Null when it means none of these.
 */
function anyService(turn: Turn, reading: Reading, ctx: StepContext, first: boolean): Turn | null {
  const words = ctx.words;
  const resumed = resumedKind(turn, reading, ctx);
  if (resumed) return onChoice(turn, `${resumed}.resume`, ctx);
  // An officer wrote to this citizen: what they write is the answer ("sudah", "lampunya masih
  // mati"), unless it opens with a service word ("aduan ...", "izin ...").
  const thread = turn.state.thread;
  if (thread && reading.text.length > 0 && !reading.leadingService) {
    return turn.do({ type: 'case.citizenReply', ...thread, text: reading.text });
  }
  if (reading.service) return startService(turn, reading, ctx);
  if (reading.nop) return lookUpNop(turn, reading.nop);
  if (reading.smallTalk) return onSmallTalk(turn, ctx, reading.smallTalk, first);
  // "mau tutup jalan buat pesta nikahan": a permit asked for with a verb of applying wins over the
  // problem words in it; otherwise a problem told in plain words is a complaint.
  const permit = namesPermit(reading, ctx);
  if (permit === 'asked') return startPermit(turn, ctx, reading.text);
  const complaint = readComplaint(reading.text, ctx.city, words);
  if (complaint.isProblem) return startComplaint(turn, ctx, reading, complaint);
  if (permit === 'named') return startPermit(turn, ctx, reading.text);
  return null;
}

/**
 * The parked draft a message asks to continue: "lanjut", "lanjutin pengajuannya", "lanjut aduan
 * tadi". Which one, when both are parked, by the words; otherwise the newest.
 */
function resumedKind(turn: Turn, reading: Reading, ctx: StepContext): 'permit' | 'complaint' | null {
  const parked = parkedList(turn.state);
  const w = ctx.words;
  if (parked.length === 0) return null;
  const verb = w.resume.some((p) => findPhrase(reading.words, p, w) >= 0);
  if (!verb || !coveredBy(reading.words, [...w.resume, ...w.resumeObjects], w)) return null;
  const named = reading.service === 'complaint' ? 'complaint' : reading.service === 'permit' ? 'permit' : null;
  return parked.find((p) => p.kind === named)?.kind ?? parked[0]!.kind;
}

/**
 * "mau bikin spanduk", "urus imb": a permit asked for with a verb of applying; "siup", "SIP dokter
 * gigi": a permit named outright, every word of a short message fitting it. Null when neither.
 */
function namesPermit(reading: Reading, ctx: StepContext): 'asked' | 'named' | null {
  const search = searchPermits(ctx.city.permitTypes, reading.text, ctx.words);
  if (search.found.length === 0) return null;
  if (reading.words.some((w) => ctx.words.permitSearch.verbs.has(w))) return 'asked';
  return search.complete && reading.words.length <= 4 ? 'named' : null;
}

/** Opens a service named in a sentence: "pbb 12.75..." and "cek P48271633" go straight on. */
function startService(turn: Turn, reading: Reading, ctx: StepContext): Turn {
  switch (reading.service) {
    case 'pbb':
      return onNopText(turn, reading, ctx) ? turn : startPbb(turn, ctx);
    case 'permit':
      return startPermit(turn, ctx, reading.text);
    case 'complaint':
      return startComplaint(turn, ctx, reading);
    case 'track':
      return onTrackText(turn, reading) ? turn : startTrack(turn);
    default:
      return showMenu(turn, ctx);
  }
}

/** "NILAI A17599941 5" from a done notice: the rating at once, or its question when no score came. */
function rate(turn: Turn, ctx: StepContext, trackingNumber: string, stars: number | null): Turn {
  if (stars === null) return (onComplaintChoice(turn, ctx, `complaint.rate:${trackingNumber}`), turn);
  return turn.go({ name: 'menu' }).do({ type: 'complaint.rate', trackingNumber, rating: stars, comment: null });
}

function help(turn: Turn, ctx: StepContext): Turn {
  const { office } = ctx.city;
  if (ctx.channel.compact) {
    const params = { office: office.shortName ?? office.name, address: office.address, phone: office.phone };
    return turn
      .go({ name: 'menu' })
      .say(message([line('help.bodyShort'), line('help.officeShort', params)], MENU_OPTIONS));
  }
  return turn.go({ name: 'menu' }).say(
    message(
      [
        line('help.body'),
        line('help.office', {
          office: office.name,
          address: office.address,
          hours: office.hours[turn.state.lang],
          phone: office.phone,
        }),
      ],
      MENU_OPTIONS,
    ),
  );
}

function setLanguage(turn: Turn, ctx: StepContext, lang: Lang): Turn {
  turn.state = { ...turn.state, lang };
  turn.do({ type: 'citizen.setLanguage', lang });
  return showMenu(turn, ctx, 'language.changed');
}
