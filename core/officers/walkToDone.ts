import { needsNote, officerMoves } from './nextStatuses.js';

/**
 * The statuses a case passes from `status` to done, each a move of its lifecycle that needs no
 * reason, shortest first: a waiting complaint is [verified, in_process, done], one in process
 * [done]. Null when done cannot be reached so (a permit back with its applicant, a closed case).
 * @example walkToDone('complaint', 'waiting') // ['verified', 'in_process', 'done']
 */
export function walkToDone(kind: 'permit' | 'complaint', status: string): string[] | null {
  const paths = new Map<string, string[]>([[status, []]]);
  const frontier = [status];
  while (frontier.length > 0) {
    const from = frontier.shift()!;
    for (const to of officerMoves(kind, from)) {
      if (paths.has(to) || needsNote(kind, to)) continue;
      const path = [...paths.get(from)!, to];
      if (to === 'done') return path;
      paths.set(to, path);
      frontier.push(to);
    }
  }
  return null;
}
