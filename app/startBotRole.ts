import { channelModules } from '../bots/registry.js';
import type { Core } from '../core/boot.js';
import type { Runtime } from './createRuntime.js';

/**
 * The bot role: the channel connections this process keeps, as each channel's module starts
 * them (Telegram long-polls from here, or has its webhook pointed at the web role's route). A
 * failed start fails the role with a clear error. Returns how to stop them all.
 */
export async function startBotRole(core: Core, runtime: Runtime): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  for (const channel of channelModules()) if (channel.startBot) stops.push(await channel.startBot(core, runtime));
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
