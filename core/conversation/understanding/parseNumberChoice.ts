/**
 * A bare number such as "2" or " 2. ", as people answer numbered menus.
 * @example parseNumberChoice('2.') // 2
 */
export function parseNumberChoice(text: string): number | null {
  const m = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}
