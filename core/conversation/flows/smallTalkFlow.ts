import type { SmallTalk } from '../understanding/Lexicon.js';
import { line, message } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { StepContext } from '../types.js';
import { showMenu } from './menuFlow.js';

/**
 * Greetings, thanks and acknowledgements get a short answer in one SMS, never "not understood".
 * A greeting is answered with the menu (a first one with the welcome); thanks and "ok" leave the
 * options on screen as they were, so a number typed next still means what it meant.
 */
export function onSmallTalk(turn: Turn, ctx: StepContext, kind: SmallTalk, firstContact: boolean): Turn {
  if (kind === 'greeting') {
    return firstContact
      ? showMenu(turn, ctx, 'menu.welcome', { city: ctx.city.name })
      : showMenu(turn, ctx, 'menu.smallTalk.greeting');
  }
  return turn.aside(message([line(kind === 'thanks' ? 'menu.smallTalk.thanks' : 'menu.smallTalk.ack')]));
}
