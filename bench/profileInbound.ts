import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from './BenchContext.js';
import { runClosedLoop } from './runClosedLoop.js';
import type { SimulatedCitizens } from './SimulatedCitizens.js';
import type { SmsWebhookClient } from './SmsWebhookClient.js';
import type { BenchChild } from './spawnBenchChild.js';
import { round } from './stats.js';
import { summariseCpuProfile, type ProfileSummary } from './summariseCpuProfile.js';

export type InboundProfile = ProfileSummary & { note: string; file: string };

/** A separate closed-loop run under `node --cpu-prof` (its numbers are not the figures), summarised. */
export async function profileInbound(
  ctx: BenchContext,
  spawnApp: (
    label: string,
    prefix: string,
    roles: string,
    flags?: string[],
  ) => Promise<{ child: BenchChild; stop: () => Promise<void> }>,
  appClient: (ports: number[], maxSockets: number) => SmsWebhookClient,
  citizens: SimulatedCitizens,
): Promise<InboundProfile> {
  const s = ctx.scale.inbound;
  const dir = path.join(ctx.scratch, 'profile');
  mkdirSync(dir, { recursive: true });
  const app = await spawnApp('profiled', ctx.prefix('profile'), 'all', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const client = appClient([app.child.port!], s.clients);
  let from = 0;
  const result = await runClosedLoop({
    client,
    citizens,
    clients: s.clients,
    warmupMs: s.warmupMs,
    durationMs: s.profileMs,
    signal: ctx.interrupt.signal,
    onWindow: (edge) => {
      if (edge === 'start') void app.child.clock().then((micros) => (from = micros));
    },
  });
  client.close();
  await app.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled app wrote no .cpuprofile');
  // Kept outside the repository for Chrome DevTools or speedscope.
  const kept = path.join(os.tmpdir(), `layankota-bench-${ctx.runId}-inbound.cpuprofile`);
  copyFileSync(path.join(dir, file), kept);
  ctx.log(`profiled run: ${round(result.perSecond)}/s under --cpu-prof; profile kept at ${kept}`);
  return {
    file: kept,
    ...summariseCpuProfile(kept, from),
    note: `the app process (ROLES=all) under node --cpu-prof, samples of a ${s.profileMs / 1000} s closed loop after warm-up at ${round(result.perSecond)} msg/s (profiling slows it); self time`,
  };
}
