import type { ConversationState, Lang } from './types.js';

/** The state of a citizen who has never written, or whose state could not be read. */
export function initialState(lang: Lang): ConversationState {
  return { v: 1, lang, flow: { name: 'menu' }, options: [], lastActivityAt: null };
}

/** Reads a stored state, falling back to a fresh one when it is missing or of an older shape. */
export function restoreState(stored: unknown, lang: Lang): ConversationState {
  if (stored && typeof stored === 'object' && (stored as { v?: unknown }).v === 1) return stored as ConversationState;
  return initialState(lang);
}
