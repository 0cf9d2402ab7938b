import type { Server } from 'node:http';
import { runConsoleChat } from '../bots/console/runConsoleChat.js';
import type { ChannelSession } from '../bots/ChannelModule.js';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { channelStatus, createMediaFetcher, openChannelSessions } from '../bots/registry.js';
import { boot } from '../core/boot.js';
import { ConfigError, loadConfig } from '../core/config/loadConfig.js';
import { openStreamsOf } from './commandCenter/StreamBudget.js';
import { createRuntime, type Runtime } from './createRuntime.js';
import { createWebApp } from './createWebApp.js';
import { startBotRole } from './startBotRole.js';

/**
 * LayanKota's process. ROLES chooses what it runs: web (webhooks, API), worker (outbox
 * delivery, timers), bot (channel connections); all three by default. With no channel
 * configured and a terminal attached, the bot role offers the console chat, so a fresh clone
 * can be tried at once.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const channels = channelStatus(config);
  const chatHere = config.roles.includes('bot') && !channels.receiving && Boolean(process.stdin.isTTY);
  // JSON log lines would bury the terminal chat: only warnings there, unless LOG_LEVEL says otherwise.
  // The sessions the bot role holds (WhatsApp Web): their clients also carry the replies and
  // download the photos, so they are opened before boot (the session itself starts later).
  const sessions = config.roles.includes('bot') ? await openChannelSessions(config) : [];
  const held = sessions.reduce<ChannelSession['setup']>((all, s) => ({ ...all, ...s.setup }), {});
  const core = await boot(chatHere && !process.env.LOG_LEVEL ? { ...config, logLevel: 'warn' } : config, {
    fetchMedia: createMediaFetcher(config, held),
    channels: CHANNEL_CAPABILITIES,
  });
  const runtime = await createRuntime(core, held);
  const stops: Array<() => Promise<void>> = [];

  if (config.roles.includes('web')) stops.push(await startWeb(core, runtime));
  if (config.roles.includes('worker')) runtime.startWorker();
  if (config.roles.includes('bot')) stops.push(await startBotRole(core, runtime));
  for (const session of sessions) stops.push(session.start(core, runtime));
  core.logger.info(
    {
      roles: config.roles,
      database: core.db.kind,
      queues: runtime.redis ? 'redis' : 'in-process',
      ...channels.modes,
    },
    'LayanKota started',
  );

  // A stop ends the event streams (told to reconnect), then the roles, the runtime (workers,
  // queues) and the core, and exits. One that hangs past SHUTDOWN_TIMEOUT_SECONDS is cut short.
  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      const started = Date.now();
      core.logger.info({ reason }, 'LayanKota stopping');
      setTimeout(() => {
        core.logger.error(
          { reason, timeoutMs: config.shutdownTimeoutMs },
          'LayanKota did not stop in time: exiting regardless',
        );
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
      for (const stop of stops.reverse()) {
        await stop().catch((error: unknown) => core.logger.warn({ err: error }, 'a role failed to stop'));
      }
      await runtime.close();
      await core.close();
      core.logger.info({ reason, durationMs: Date.now() - started }, 'LayanKota stopped');
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }

  if (chatHere) {
    await runConsoleChat(core, {
      surface: 'console',
      from: '6281200000001',
      input: process.stdin,
      output: process.stdout,
      interactive: true,
      smsMaxParts: config.sms.maxParts,
    });
    await shutdown('console chat ended');
    process.exit(0);
  }
}

/** How long requests under way may take to be answered once a stop has begun. */
const STOP_GRACE_MS = 2000;

async function startWeb(core: Awaited<ReturnType<typeof boot>>, runtime: Runtime): Promise<() => Promise<void>> {
  const app = createWebApp(core, runtime);
  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 calls back on 'error' too (a port in use): that is a failed start, not a listening server.
    const s = app.listen(core.config.port, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  core.logger.info(
    { port: typeof address === 'object' && address ? address.port : core.config.port },
    'web role listening',
  );
  // A provider keeps its connections alive and busy: without this, a stop under traffic would
  // wait for ever. Requests under way are answered, each on a connection that then closes.
  let stopping = false;
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  return () =>
    new Promise((resolve) => {
      stopping = true;
      server.close(() => {
        clearInterval(idle);
        resolve();
      });
      // Event streams never end by themselves: each is told to reconnect (to the next process) and ended.
      const streams = openStreamsOf(app).endAll();
      core.logger.info({ streams }, 'web role stopping: event streams told to reconnect');
      // Keep-alive connections close as soon as they are idle (an ended stream's once its bye is
      // written); whatever is still busy after a short grace is cut.
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 100).unref();
      setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS).unref();
    });
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `LayanKota failed to start: ${(error as Error).message}`,
  );
  // A half-started process (a server listening, Redis connected) would otherwise stay up.
  process.exit(1);
});
