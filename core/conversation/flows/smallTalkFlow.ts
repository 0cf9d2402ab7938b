import type { SmallTalk } from '../understanding/Lexicon.js';
import { line, message } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { StepContext } from '../types.js';
import { showMenu } from './menuFlow.js';

/**
 * Greetings, thanks and acknowledgements get a short answer in one SMS, never "not understood".
 * A first message is answered with the welcome and the menu, a later greeting with the menu;
 * thanks and "ok" leave the options on screen as they were, so a number typed next still means
 * what it meant.
 */
export function onSmallTalk(turn: Turn, ctx: StepContext, kind: SmallTalk, firstContact: boolean): Turn {
  // Whatever a first message is ("halo", "🙏", "ok"), a newcomer needs the welcome and the menu.
  if (firstContact) return showMenu(turn, ctx, 'menu.welcome', { city: ctx.city.name });
  if (kind === 'greeting') return showMenu(turn, ctx, 'menu.smallTalk.greeting');
  return turn.aside(message([line(kind === 'thanks' ? 'menu.smallTalk.thanks' : 'menu.smallTalk.ack')]));
}
