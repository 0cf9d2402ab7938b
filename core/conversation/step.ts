import { parseNop } from '../domain/nop.js';
import { MENU_OPTIONS, menuReply } from './flows/menuFlow.js';
import { onNopText, onPbbResult, startPbb } from './flows/pbbFlow.js';
import {
  draftOf,
  onPermitBack,
  onPermitChoice,
  onPermitSubmitted,
  onPermitText,
  startPermit,
} from './flows/permitFlow.js';
import {
  onComplaintBack,
  onComplaintChoice,
  onComplaintEvent,
  onComplaintText,
  startComplaint,
} from './flows/complaintFlow.js';
import { lookUp, onCaseResult, onMyCases, onTrackText, startTrack } from './flows/trackFlow.js';
import { normalizeText, parseIntent, parseNumberChoice, type Intent } from './parseIntent.js';
import { line, message, option } from './replies.js';
import { Turn } from './Turn.js';
import type { ConversationState, Lang, MediaRef, StepContext, StepEvent, StepResult } from './types.js';

const LANGUAGE_OPTIONS = [option('lang.id', 'language.option.id'), option('lang.en', 'language.option.en')];
const DIRECT_LANGUAGE: Record<string, Lang> = {
  english: 'en',
  inggris: 'en',
  'bahasa inggris': 'en',
  indonesia: 'id',
  'bahasa indonesia': 'id',
};
const RESUME_WORDS = new Set(['lanjutkan', 'lanjut', 'resume', 'continue']);

/**
 * The conversation core: given a citizen's state and one event, returns the next state, the
 * replies and the effects to perform. Pure: no I/O, no clock (time comes in `ctx.now`).
 * @example const { state, replies, effects } = step(state, { type: 'message', text: 'pbb', media: [] }, ctx);
 */
export function step(state: ConversationState, event: StepEvent, ctx: StepContext): StepResult {
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
      turn.state = { ...turn.state, thread: null };
      return showMenu(turn, ctx, 'menu.notUnderstood').result();
    case 'complaint.submitted':
    case 'complaint.duplicateFound':
    case 'complaint.added':
    case 'complaint.rated':
    case 'complaint.refused':
      return onComplaintEvent(turn, ctx, event).result();
    case 'message':
      break;
  }

  if (isIdle(state, ctx)) {
    // Start fresh, keeping a half-filled application to resume; a bare number typed now was
    // meant for a menu the citizen no longer sees.
    const draft = draftOf(turn);
    if (draft) turn.state = { ...turn.state, parked: { draft, at: state.lastActivityAt! } };
    turn.go({ name: 'menu' }).notice(line('session.expired'));
    turn.state = { ...turn.state, options: [] };
  }
  turn.state = { ...turn.state, lastActivityAt: ctx.now.toISOString() };
  dropStaleParked(turn, ctx);
  if (event.start) return showMenu(turn, ctx, 'menu.welcome', { city: ctx.city.name }).result();
  if (event.control === 'optOut') {
    // The one message an opted-out number still gets: how to come back.
    turn.do({ type: 'citizen.setSmsOptOut', optOut: true });
    return turn
      .go({ name: 'menu' })
      .say(message([line('sms.optedOut')]))
      .result();
  }
  if (event.control === 'optIn') {
    turn.do({ type: 'citizen.setSmsOptOut', optOut: false });
    return showMenu(turn, ctx, 'sms.optedIn').result();
  }

  let choice = event.choice;
  // A bare number picks from the options on screen; "0" is the back command; where nothing is
  // offered (the NOP prompt, say) the number is the step's own text to read.
  const typedNumber = choice ? null : parseNumberChoice(event.text);
  if (typedNumber !== null && typedNumber > 0 && turn.state.options.length > 0) {
    choice = turn.state.options[typedNumber - 1];
    if (!choice) {
      // The options on screen stay what a number refers to: the hint asks for one of them.
      const onScreen = turn.state.options;
      turn.say(message([line('input.badNumber', { number: typedNumber, max: onScreen.length })]));
      turn.state = { ...turn.state, options: onScreen };
      return turn.result();
    }
  }
  if (choice) return onChoice(turn, choice, ctx).result();
  return onText(turn, event.text, event.media, event.location, ctx).result();
}

function isIdle(state: ConversationState, ctx: StepContext): boolean {
  return (
    state.lastActivityAt !== null &&
    state.flow.name !== 'menu' &&
    ctx.now.getTime() - Date.parse(state.lastActivityAt) > ctx.idleTimeoutMs
  );
}

function dropStaleParked(turn: Turn, ctx: StepContext): void {
  const parked = turn.state.parked;
  if (parked && ctx.now.getTime() - Date.parse(parked.at) > ctx.draftRetentionMs) {
    turn.state = { ...turn.state, parked: null };
  }
}

/** The main menu; a parked application adds a way back to it. */
function showMenu(turn: Turn, ctx: StepContext, first?: string, params?: Record<string, string | number>): Turn {
  const reply = menuReply(first, params);
  const parked = turn.state.parked;
  if (parked) {
    const type = ctx.city.permitTypes.find((t) => t.code === parked.draft.code);
    reply.lines.push(line('permit.parked', { name: type?.name[turn.state.lang] ?? parked.draft.code }));
    reply.options = [...(reply.options ?? []), option('permit.resume', 'permit.option.resume')];
  }
  return turn.go({ name: 'menu' }).say(reply);
}

function onChoice(turn: Turn, choice: string, ctx: StepContext): Turn {
  if (onPermitChoice(turn, ctx, choice) || onComplaintChoice(turn, ctx, choice)) return turn;
  if (choice.startsWith('track.this:')) return lookUp(turn, choice.slice('track.this:'.length));
  switch (choice) {
    case 'menu.pbb':
    case 'pbb.again':
      return startPbb(turn);
    case 'menu.track':
      return startTrack(turn);
    case 'menu.language':
      return turn.go({ name: 'language' }).say(message([line('language.ask')], LANGUAGE_OPTIONS));
    case 'menu.help':
      return help(turn, ctx);
    case 'nav.menu':
      return showMenu(turn, ctx);
    case 'permit.cancel':
    case 'complaint.cancel':
      return showMenu(turn, ctx, 'nav.cancelled');
    case 'lang.id':
    case 'lang.en':
      return setLanguage(turn, ctx, choice === 'lang.id' ? 'id' : 'en');
    default:
      // A button from an old message that no longer means anything here.
      return showMenu(turn, ctx, 'menu.pickFromMenu');
  }
}

function onText(
  turn: Turn,
  text: string,
  media: MediaRef[],
  location: { latitude: number; longitude: number } | undefined,
  ctx: StepContext,
): Turn {
  const intent = parseIntent(text);
  const flow = turn.state.flow.name;
  switch (intent) {
    case 'menu':
      return showMenu(turn, ctx);
    case 'cancel':
      return showMenu(turn, ctx, flow !== 'menu' ? 'nav.cancelled' : undefined);
    case 'back':
      return onPermitBack(turn, ctx) || onComplaintBack(turn, ctx) ? turn : showMenu(turn, ctx);
    case 'help':
      return help(turn, ctx);
    case 'language': {
      const direct = DIRECT_LANGUAGE[normalizeText(text)];
      return direct ? setLanguage(turn, ctx, direct) : onChoice(turn, 'menu.language', ctx);
    }
    default:
      break;
  }
  // Steps that take free text (a name, an address) read it before any keyword does.
  if (onPermitText(turn, ctx, text, media) || onComplaintText(turn, ctx, text, media, location)) return turn;

  switch (flow) {
    case 'pbb.askNop':
    case 'pbb.lookingUp':
      if (onNopText(turn, text)) return turn;
      if (intent) return startService(turn, intent, text, ctx);
      return turn.say(message([line('pbb.askNopAgain')]));
    case 'track.ask':
    case 'track.lookingUp':
      if (onTrackText(turn, text)) return turn;
      if (intent && intent !== 'track') return startService(turn, intent, text, ctx);
      return lookUp(turn, text);
    case 'language':
      return turn.say(message([line('language.ask')], LANGUAGE_OPTIONS));
    default:
      if (turn.state.parked && RESUME_WORDS.has(normalizeText(text))) return onChoice(turn, 'permit.resume', ctx);
      if (intent) return startService(turn, intent, text, ctx);
      if (parseNop(text).ok) return startService(turn, 'pbb', text, ctx);
      // An officer wrote to this citizen: free text is the answer to them.
      if (turn.state.thread && text.trim().length > 0) {
        const { trackingNumber, officerId } = turn.state.thread;
        return turn.do({ type: 'case.citizenReply', trackingNumber, officerId, text: text.trim() });
      }
      return showMenu(turn, ctx, 'menu.notUnderstood');
  }
}

/** Opens a service named by a keyword: "pbb 12.75..." and "cek P48271633" go straight on. */
function startService(turn: Turn, intent: Intent, text: string, ctx: StepContext): Turn {
  switch (intent) {
    case 'pbb':
      return onNopText(turn, text) ? turn : startPbb(turn);
    case 'permit':
      return startPermit(turn, ctx, text);
    case 'complaint':
      return startComplaint(turn, ctx, text);
    case 'track':
      return onTrackText(turn, text) ? turn : startTrack(turn);
    default:
      return showMenu(turn, ctx);
  }
}

function help(turn: Turn, ctx: StepContext): Turn {
  const { office } = ctx.city;
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
