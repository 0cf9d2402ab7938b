import { ConfigError, loadConfig } from '../core/config/loadConfig.js';
import { checkHealth } from './checkHealth.js';

/**
 * The image's HEALTHCHECK (`node dist/app/healthcheck.js`): run beside the process with its
 * environment, it prints one line per role it checked and exits 0 when healthy, 1 when not.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const report = await checkHealth(config);
  for (const check of report.checks) console.log(`${check.role}: ${check.ok ? 'ok' : 'FAILED'}: ${check.detail}`);
  if (report.checks.length === 0) console.log(`roles ${config.roles.join(',')}: nothing to check`);
  process.exitCode = report.healthy ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `health check failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
