import { parseNop } from '../domain/nop.js';
import { MENU_OPTIONS, menuReply } from './flows/menuFlow.js';
import { onNopText, onPbbResult, startPbb } from './flows/pbbFlow.js';
import { normalizeText, parseIntent, parseNumberChoice, type Intent } from './parseIntent.js';
import { line, message, option } from './replies.js';
import { Turn } from './Turn.js';
import type { ConversationState, Lang, StepContext, StepEvent, StepResult } from './types.js';

const LANGUAGE_OPTIONS = [option('lang.id', 'language.option.id'), option('lang.en', 'language.option.en')];
const DIRECT_LANGUAGE: Record<string, Lang> = {
  english: 'en',
  inggris: 'en',
  'bahasa inggris': 'en',
  indonesia: 'id',
  'bahasa indonesia': 'id',
};

/**
 * The conversation core: given a citizen's state and one event, returns the next state, the
 * replies and the effects to perform. Pure: no I/O, no clock (time comes in `ctx.now`).
 * @example const { state, replies, effects } = step(state, { type: 'message', text: 'pbb', media: [] }, ctx);
 */
export function step(state: ConversationState, event: StepEvent, ctx: StepContext): StepResult {
  const turn = new Turn(state);
  if (event.type === 'pbb.result') return onPbbResult(turn, event.nop, event.taxObject, ctx).result();

  const expired =
    state.lastActivityAt !== null &&
    state.flow.name !== 'menu' &&
    ctx.now.getTime() - Date.parse(state.lastActivityAt) > ctx.idleTimeoutMs;
  turn.state = { ...turn.state, lastActivityAt: ctx.now.toISOString() };
  if (expired) {
    // Start fresh: a bare number typed now was meant for a menu the citizen no longer sees.
    turn.go({ name: 'menu' }).notice(line('session.expired'));
    turn.state = { ...turn.state, options: [] };
  }
  if (event.start)
    return turn
      .go({ name: 'menu' })
      .say(menuReply('menu.welcome', { city: ctx.city.name }))
      .result();

  let choice = event.choice;
  const typedNumber = choice ? null : parseNumberChoice(event.text);
  if (typedNumber !== null) {
    choice = turn.state.options[typedNumber - 1];
    if (!choice) {
      if (turn.state.options.length === 0) return showMenu(turn, 'menu.pickFromMenu').result();
      return turn
        .say(message([line('input.badNumber', { number: typedNumber, max: turn.state.options.length })]))
        .result();
    }
  }
  if (choice) return onChoice(turn, choice, ctx).result();
  return onText(turn, event.text, ctx).result();
}

function showMenu(turn: Turn, first?: string): Turn {
  return turn.go({ name: 'menu' }).say(menuReply(first));
}

function onChoice(turn: Turn, choice: string, ctx: StepContext): Turn {
  switch (choice) {
    case 'menu.pbb':
    case 'pbb.again':
      return startPbb(turn);
    case 'menu.permit':
    case 'menu.complaint':
    case 'menu.track':
      return notYetByChat(turn, choice, ctx);
    case 'menu.language':
      return turn.go({ name: 'language' }).say(message([line('language.ask')], LANGUAGE_OPTIONS));
    case 'menu.help':
      return help(turn, ctx);
    case 'nav.menu':
      return showMenu(turn);
    case 'lang.id':
    case 'lang.en':
      return setLanguage(turn, choice === 'lang.id' ? 'id' : 'en');
    default:
      // A button from an old message that no longer means anything.
      return showMenu(turn, 'menu.pickFromMenu');
  }
}

function onText(turn: Turn, text: string, ctx: StepContext): Turn {
  const intent = parseIntent(text);
  const wasInFlow = turn.state.flow.name !== 'menu';
  switch (intent) {
    case 'menu':
      return showMenu(turn);
    case 'cancel':
      return showMenu(turn, wasInFlow ? 'nav.cancelled' : undefined);
    case 'back':
      // Every flow so far is one level deep, so back leads to the menu.
      return showMenu(turn);
    case 'help':
      return help(turn, ctx);
    case 'language': {
      const direct = DIRECT_LANGUAGE[normalizeText(text)];
      return direct ? setLanguage(turn, direct) : onChoice(turn, 'menu.language', ctx);
    }
    default:
      break;
  }

  switch (turn.state.flow.name) {
    case 'pbb.askNop':
    case 'pbb.lookingUp':
      if (onNopText(turn, text)) return turn;
      if (intent) return startService(turn, intent, text, ctx);
      return turn.say(message([line('pbb.askNopAgain')]));
    case 'language':
      return turn.say(message([line('language.ask')], LANGUAGE_OPTIONS));
    case 'menu':
      if (intent) return startService(turn, intent, text, ctx);
      if (parseNop(text).ok) return startService(turn, 'pbb', text, ctx);
      return showMenu(turn, 'menu.notUnderstood');
  }
}

/** Opens a service named by a keyword. "pbb 12.75..." goes straight to the lookup. */
function startService(turn: Turn, intent: Intent, text: string, ctx: StepContext): Turn {
  switch (intent) {
    case 'pbb':
      return onNopText(turn, text) ? turn : startPbb(turn);
    case 'permit':
      return notYetByChat(turn, 'menu.permit', ctx);
    case 'complaint':
      return notYetByChat(turn, 'menu.complaint', ctx);
    case 'track':
      return notYetByChat(turn, 'menu.track', ctx);
    default:
      return showMenu(turn);
  }
}

function help(turn: Turn, ctx: StepContext): Turn {
  const { office } = ctx.city;
  return turn
    .go({ name: 'menu' })
    .say(
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

function setLanguage(turn: Turn, lang: Lang): Turn {
  turn.state = { ...turn.state, lang };
  return turn.do({ type: 'citizen.setLanguage', lang }).go({ name: 'menu' }).say(menuReply('language.changed'));
}

/** Permits, complaints and tracking are not yet served by chat: say so and where to go instead. */
function notYetByChat(turn: Turn, choice: string, ctx: StepContext): Turn {
  const { office } = ctx.city;
  return turn.go({ name: 'menu' }).say(
    message(
      [
        line('service.notYetByChat', {
          service: choice.replace('menu.', ''),
          office: office.name,
          address: office.address,
          hours: office.hours[turn.state.lang],
        }),
      ],
      MENU_OPTIONS,
    ),
  );
}
