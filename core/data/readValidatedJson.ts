import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * Reads a JSON file and validates it against a schema. A file that cannot be
 * read or parsed, or that does not match, becomes one error (made by
 * `toError`) naming the file and every invalid field, so whoever edits city
 * data or word lists sees all mistakes at once.
 */
export function readValidatedJson<T>(file: string, schema: z.ZodType<T>, toError: (message: string) => Error): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw toError(`${file}: cannot be read as JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw toError(`${file} is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
