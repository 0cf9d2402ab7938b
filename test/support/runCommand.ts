import { spawn } from 'node:child_process';
import path from 'node:path';
import { SETTING_NAMES } from '../../core/config/loadConfig.js';

/** The project's root, where the commands run. */
export const ROOT = path.resolve(import.meta.dirname, '../..');
/** tsx, as `npm run <script>` starts the TypeScript command lines. */
export const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a fresh shell: none of LayanKota's settings, whatever the test runner has. */
export function cleanEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...SETTING_NAMES, 'TEST_DATABASE_URL']) delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...settings };
}

/**
 * Runs a command line from the project's root with only `settings` as LayanKota's settings,
 * `input` on its stdin, and collects what it printed and how it ended.
 */
export function runCommand(
  command: string,
  args: string[],
  settings: Record<string, string>,
  input = '',
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(settings), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
