import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FromChild } from './childProtocol.js';
import { tailOf } from './readAppLog.js';
import { BENCH_BUILD_DIR, buildBenchChildren } from './spawnBenchChild.js';

/**
 * How the bench starts the app for its memory figures: the entry production runs, in this one
 * place. By default the build the bench compiles once per run (`app/main.js` under
 * bench/results/build, as `npm run build` compiles it) under plain node, as production runs it;
 * BENCH_APP_ENTRY=app/main.ts measures it under tsx instead, or names another entry.
 */
export const APP_ENTRY =
  process.env.BENCH_APP_ENTRY ?? path.relative(process.cwd(), path.join(BENCH_BUILD_DIR, 'app/main.js'));

/**
 * The node flags the entry needs (tsx for TypeScript, none for JavaScript), then
 * BENCH_APP_NODE_FLAGS for the app alone (`--max-old-space-size=128`, say): NODE_OPTIONS would
 * also reach the bench's own compile and seeding.
 */
const ENTRY_FLAGS = [
  ...(APP_ENTRY.endsWith('.ts') ? ['--import', 'tsx'] : []),
  ...(process.env.BENCH_APP_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean),
];
const PROBE = pathToFileURL(path.resolve('bench/memoryProbe.mjs')).href;

export type AppMemory = Extract<FromChild, { type: 'memory' }> & { spaces?: Record<string, number> };

export interface AppProcess {
  pid: number;
  /** The web role's port (read from its log), or null without that role. */
  port: number | null;
  /** The command line, for the report. */
  command: string;
  /** Resident memory as the kernel counts it (VmRSS of /proc/<pid>/status), in bytes. */
  rss(): number;
  /** CPU time it has used so far (user and system, from /proc/<pid>/stat), in seconds. */
  cpuSeconds(): number;
  /** process.memoryUsage() and the V8 heap spaces, from inside (bench/memoryProbe.mjs). */
  memory(): Promise<AppMemory>;
  /** The same after a full garbage collection. */
  memoryAfterGc(): Promise<AppMemory>;
  /** Writes a heap snapshot (after a full GC) to this file; resolves with its path. */
  heapSnapshot(file: string): Promise<string>;
  /** SIGTERM, as a service manager stops it; SIGKILL if it has not stopped in 30 s. */
  stop(): Promise<void>;
}

/**
 * Starts the app (APP_ENTRY) with this environment, as production would, plus the memory probe
 * and --expose-gc; resolves once it logged 'LayanKota started'.
 */
export async function startAppProcess(options: {
  env: Record<string, string>;
  logFile: string;
  timeoutMs?: number;
}): Promise<AppProcess> {
  if (!process.env.BENCH_APP_ENTRY) await buildBenchChildren();
  const log = openSync(options.logFile, 'a');
  const execArgv = [...ENTRY_FLAGS, '--expose-gc', '--import', PROBE];
  const child: ChildProcess = fork(path.resolve(APP_ENTRY), [], {
    execArgv,
    env: options.env,
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const exited = once(child, 'exit');
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let port: number | null = null;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${APP_ENTRY} exited:\n${tailOf(options.logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${APP_ENTRY} did not start:\n${tailOf(options.logFile)}`);
    }
    const text = readFileSync(options.logFile, 'utf8');
    const listening = /"port":(\d+),"msg":"web role listening"/.exec(text);
    if (listening) port = Number(listening[1]);
    if (text.includes('"msg":"LayanKota started"')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ask = (type: 'memory' | 'gc') =>
    new Promise<AppMemory>((resolve, reject) => {
      const onMessage = (message: FromChild) => {
        if (message.type !== 'memory') return;
        child.off('message', onMessage);
        resolve(message as AppMemory);
      };
      child.on('message', onMessage);
      child.send({ type }, (error) => error && reject(error));
    });
  return {
    pid: child.pid!,
    port,
    command: ['node', ...ENTRY_FLAGS, APP_ENTRY].join(' '),
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    cpuSeconds() {
      // Fields 14 and 15 after the command's closing parenthesis: utime and stime, in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    memory: () => ask('memory'),
    heapSnapshot: (file) =>
      new Promise<string>((resolve, reject) => {
        const onMessage = (message: { type: string; file?: string }) => {
          if (message.type !== 'snapshot') return;
          child.off('message', onMessage);
          resolve(message.file ?? file);
        };
        child.on('message', onMessage);
        child.send({ type: 'snapshot', file }, (error) => error && reject(error));
      }),
    memoryAfterGc: () => ask('gc'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
