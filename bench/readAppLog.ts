import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What an app process logged: lines in all, and those at error level or above (pino levels 50, 60). */
export function readAppLog(file: string): { lines: number; errors: number; firstError: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { lines: 0, errors: 0, firstError: null };
  }
  let lines = 0;
  let errors = 0;
  let firstError: string | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    lines++;
    const level = /"level":(\d+)/.exec(line);
    if (level && Number(level[1]) >= 50) {
      errors++;
      firstError ??= `${path.basename(file)}: ${line.slice(0, 500)}`;
    }
  }
  return { lines, errors, firstError };
}

/** The last lines of a log, to quote when a process failed. */
export function tailOf(file: string, count = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}
