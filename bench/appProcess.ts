import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRuntime } from '../app/createRuntime.js';
import { createWebApp } from '../app/createWebApp.js';
import { startBotRole } from '../app/startBotRole.js';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { createMediaFetcher } from '../bots/registry.js';
import { boot } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { answerRunner, type FromChild } from './childProtocol.js';
import { countCalls } from './countCalls.js';
import { redirectedTwilioClient } from './redirectedTwilioClient.js';

/**
 * The app as app/main.ts runs it (configuration from the environment, boot with migrations, the
 * runtime on Redis, the roles ROLES names), for the bench: BullMQ keys under BENCH_QUEUE_PREFIX,
 * Twilio's API at BENCH_TWILIO_API_URL, and the runner told the port over IPC.
 */
async function main(): Promise<void> {
  const calls = countCalls();
  const config = loadConfig();
  const twilioApi = process.env.BENCH_TWILIO_API_URL;
  const core = await boot(config, { fetchMedia: createMediaFetcher(config), channels: CHANNEL_CAPABILITIES });
  const runtime = await createRuntime(core, {
    queuePrefix: process.env.BENCH_QUEUE_PREFIX ?? 'bench',
    overrides: twilioApi ? { twilioHttpClient: redirectedTwilioClient(twilioApi) } : {},
  });
  const stops: Array<() => Promise<void>> = [];
  let port: number | null = null;
  if (config.roles.includes('web')) {
    const app = createWebApp(core, runtime);
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    server.keepAliveTimeout = 60_000;
    port = (server.address() as AddressInfo).port;
    stops.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
  }
  if (config.roles.includes('worker')) runtime.startWorker();
  if (config.roles.includes('bot')) stops.push(await startBotRole(core, runtime));

  answerRunner(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await runtime.close();
    await core.close();
  }, calls);
  process.send?.({ type: 'ready', port } satisfies FromChild);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: (error as Error).message } satisfies FromChild);
  console.error(error);
  process.exit(1);
});
