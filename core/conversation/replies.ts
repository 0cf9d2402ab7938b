import type { Line, Option, Reply } from './types.js';

/** A translatable line. Every key passed here must exist in locales/id and locales/en (tested). */
export function line(key: string, params?: Line['params']): Line {
  return params ? { key, params } : { key };
}

/** One message made of lines, optionally with choices. */
export function message(lines: Line[], options?: Option[]): Reply {
  return options && options.length > 0 ? { lines, options } : { lines };
}

/** A choice whose label is a translatable key. */
export function option(id: string, key: string, params?: Line['params']): Option {
  return { id, label: line(key, params) };
}
