import type { Server } from 'node:http';
import { runConsoleChat } from '../bots/console/runConsoleChat.js';
import { boot, type Core } from '../core/boot.js';
import { ConfigError, loadConfig } from '../core/config/loadConfig.js';
import { OutboxRelay } from '../core/outbox/OutboxRelay.js';
import { createWebApp } from './createWebApp.js';

/**
 * LayanKota's process. ROLES chooses what it runs: web (webhooks, API), worker (outbox and
 * timers), bot (channel connections); all three by default. With no channel configured and a
 * terminal attached, the bot role offers the console chat, so a fresh clone can be tried at once.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const chatHere = config.roles.includes('bot') && Boolean(process.stdin.isTTY);
  // JSON log lines would bury the terminal chat: only warnings there, unless LOG_LEVEL says otherwise.
  const core = await boot(chatHere && !process.env.LOG_LEVEL ? { ...config, logLevel: 'warn' } : config);
  const stops: Array<() => Promise<void>> = [];
  const { roles } = config;

  if (roles.includes('web')) stops.push(await startWeb(core));
  if (roles.includes('worker')) stops.push(startWorker(core));
  core.logger.info({ roles, database: core.db.kind, city: core.city.name }, 'LayanKota started');

  const shutdown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await core.close();
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(0)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(0)));

  if (chatHere) {
    // No channel is configured yet in this process: the terminal is the channel.
    await runConsoleChat(core, {
      surface: 'console',
      from: '6281200000001',
      input: process.stdin,
      output: process.stdout,
      interactive: true,
      smsMaxParts: 4,
    });
    await shutdown();
    process.exit(0);
  }
}

async function startWeb(core: Core): Promise<() => Promise<void>> {
  const app = createWebApp(core);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(core.config.port, () => resolve(s));
  });
  const address = server.address();
  core.logger.info(
    { port: typeof address === 'object' && address ? address.port : core.config.port },
    'web role listening',
  );
  return () => new Promise((resolve) => server.close(() => resolve()));
}

function startWorker(core: Core): () => Promise<void> {
  const relay = new OutboxRelay({
    prisma: core.db.prisma,
    senders: {},
    translator: core.translator,
    logger: core.logger,
    clock: core.clock,
    maxAttempts: 5,
  });
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    relay
      .drainPending()
      .catch((error: unknown) => core.logger.error({ err: error }, 'outbox relay failed'))
      .finally(() => {
        running = false;
      });
  }, 1000);
  return async () => clearInterval(timer);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `LayanKota failed to start: ${(error as Error).message}`,
  );
  process.exitCode = 1;
});
