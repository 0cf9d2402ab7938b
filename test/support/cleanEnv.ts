import { SETTING_NAMES } from '../../core/config/loadConfig.js';

/** The environment of a fresh shell: none of LayanKota's settings, whatever the test runner has. */
export function cleanEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...SETTING_NAMES, 'TEST_DATABASE_URL']) delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...settings };
}
