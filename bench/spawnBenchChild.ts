import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FromChild, ToChild } from './childProtocol.js';
import type { CallCounts } from './countCalls.js';
import { tailOf } from './readAppLog.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the bench's child scripts are compiled, with the app, once per run. */
export const BENCH_BUILD_DIR = path.join(ROOT, 'bench', 'results', 'build');

let built: Promise<void> | null = null;

/**
 * The child scripts (bench/appProcess.ts and the floor's server) compiled with the app as
 * `npm run build` compiles it (tsconfig.build.json plus the scripts), so the app is measured
 * as production runs it: plain node on JavaScript, no tsx in the process.
 */
export function buildBenchChildren(): Promise<void> {
  built ??= (async () => {
    rmSync(BENCH_BUILD_DIR, { recursive: true, force: true });
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    await promisify(execFile)(
      process.execPath,
      [tsc, '-p', 'bench/tsconfig.children.json', '--outDir', BENCH_BUILD_DIR],
      {
        cwd: ROOT,
      },
    );
  })();
  return built;
}

export interface BenchChild {
  pid: number;
  /** The port it listens on, or null for a process without the web role. */
  port: number | null;
  memory(): Promise<Extract<FromChild, { type: 'memory' }>>;
  /** Memory after a full garbage collection (the child must run with --expose-gc). */
  memoryAfterGc(): Promise<Extract<FromChild, { type: 'memory' }>>;
  /** SQL statements and Redis commands it has sent so far. */
  counts(): Promise<CallCounts>;
  /** Its monotonic clock in microseconds, to find a moment in its CPU profile. */
  clock(): Promise<number>;
  /** CPU time the process has used so far, in milliseconds. */
  cpuMs(): Promise<number>;
  /** Asks it to shut down cleanly (so a CPU profile gets written); kills it if it does not. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** The whole environment of the child. */
  env: Record<string, string>;
  /** Where its stdout and stderr (the app's log lines) go. */
  logFile: string;
  /** Extra node flags, such as --cpu-prof. */
  nodeFlags?: string[];
}

/** Starts one of the bench's child scripts (bench/<script>.ts), compiled, and waits until it is ready. */
export async function spawnBenchChild(script: string, options: SpawnOptions): Promise<BenchChild> {
  await buildBenchChildren();
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess = fork(path.join(BENCH_BUILD_DIR, 'bench', script.replace(/\.ts$/, '.js')), [], {
    execArgv: options.nodeFlags ?? [],
    env: options.env,
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const pending: Array<(m: FromChild) => boolean> = [];
  child.on('message', (message: FromChild) => {
    const i = pending.findIndex((take) => take(message));
    if (i >= 0) pending.splice(i, 1);
  });
  const next = <K extends FromChild['type']>(type: K, ask?: ToChild) =>
    new Promise<Extract<FromChild, { type: K }>>((resolve, reject) => {
      const onExit = () => reject(new Error(`${script} exited:\n${tailOf(options.logFile)}`));
      child.once('exit', onExit);
      pending.push((m) => {
        if (m.type === 'failed') {
          child.off('exit', onExit);
          reject(new Error(`${script} failed: ${m.message}\n${tailOf(options.logFile)}`));
          return true;
        }
        if (m.type !== type) return false;
        child.off('exit', onExit);
        resolve(m as Extract<FromChild, { type: K }>);
        return true;
      });
      if (ask) child.send(ask);
    });

  const ready = await next('ready');
  const pid = child.pid!;
  return {
    pid,
    port: ready.port,
    memory: () => next('memory', { type: 'memory' }),
    memoryAfterGc: () => next('memory', { type: 'gc' }),
    clock: async () => (await next('clock', { type: 'clock' })).micros,
    async counts() {
      const { sql, prepared, delivery, redis } = await next('counts', { type: 'counts' });
      return { sql, prepared, delivery, redis };
    },
    async cpuMs() {
      const c = await next('cpu', { type: 'cpu' });
      return (c.userMicros + c.systemMicros) / 1000;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'stop' } satisfies ToChild);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
