import { line, message, option } from '../replies.js';
import type { Reply } from '../types.js';

/** The main menu's choices, in the order they are numbered. */
export const MENU_OPTIONS = [
  option('menu.permit', 'menu.option.permit'),
  option('menu.complaint', 'menu.option.complaint'),
  option('menu.pbb', 'menu.option.pbb'),
  option('menu.track', 'menu.option.track'),
  option('menu.language', 'menu.option.language'),
  option('menu.help', 'menu.option.help'),
];

/** The main menu as one message, optionally after a first line such as a greeting. */
export function menuReply(first?: string, params?: Record<string, string | number>): Reply {
  const lines = first ? [line(first, params), line('menu.title')] : [line('menu.title')];
  return message(lines, MENU_OPTIONS);
}
