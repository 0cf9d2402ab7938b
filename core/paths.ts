import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (the one holding package.json): where the migrations, locales and
 * board pages live. Found by walking up from this file, so the same code reads them whether it
 * runs from its TypeScript source (core/) or from the compiled build (dist/core/).
 */
export const PROJECT_ROOT = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: the project's files are missing`);
  }
}
