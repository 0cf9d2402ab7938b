import { heldDraft, park, parkedList } from '../parking.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { Line, Option, StepContext } from '../types.js';

/** The main menu's choices, in the order they are numbered. */
export const MENU_OPTIONS = [
  option('menu.permit', 'menu.option.permit'),
  option('menu.complaint', 'menu.option.complaint'),
  option('menu.pbb', 'menu.option.pbb'),
  option('menu.track', 'menu.option.track'),
  option('menu.language', 'menu.option.language'),
  option('menu.help', 'menu.option.help'),
];

/**
 * The main menu, with a way back to each parked draft after the usual choices (their numbers
 * never move). On a compact channel the option's label says it all; elsewhere a line says so too.
 */
export function showMenu(
  turn: Turn,
  ctx: StepContext,
  first?: string,
  params?: Record<string, string | number>,
  /** Without "Pilih layanan:", when the first line already asks to choose. */
  titled = true,
): Turn {
  // Going to the menu from a half-filled draft keeps it, so the menu can offer it back.
  const held = heldDraft(turn.state);
  if (held && !turn.discarded) park(turn, held, ctx.now.toISOString());
  const head: Line[] = first ? [line(first, params)] : [];
  const parkedLines: Line[] = [];
  const options: Option[] = [...MENU_OPTIONS];
  const lang = turn.state.lang;
  for (const parked of parkedList(turn.state)) {
    if (parked.kind === 'permit') {
      const type = ctx.city.permitTypes.find((t) => t.code === parked.draft.code);
      const short = type?.shortName?.[lang] ?? type?.code ?? parked.draft.code;
      if (!ctx.channel.compact)
        parkedLines.push(line('permit.parked', { name: type?.name[lang] ?? parked.draft.code }));
      options.push(option('permit.resume', 'menu.option.resumePermit', { name: short }));
    } else {
      if (!ctx.channel.compact) parkedLines.push(line('complaint.parked'));
      options.push(option('complaint.resume', 'menu.option.resumeComplaint'));
    }
  }
  const lines = [...head, ...parkedLines, ...(titled ? [line('menu.title')] : [])];
  return turn.go({ name: 'menu' }).say(message(lines, options));
}
