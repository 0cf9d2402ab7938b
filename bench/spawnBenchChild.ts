import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromChild, ToChild } from './childProtocol.js';
import { tailOf } from './readAppLog.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface BenchChild {
  pid: number;
  /** The port it listens on, or null for a process without the web role. */
  port: number | null;
  memory(): Promise<Extract<FromChild, { type: 'memory' }>>;
  /** Memory after a full garbage collection (the child must run with --expose-gc). */
  memoryAfterGc(): Promise<Extract<FromChild, { type: 'memory' }>>;
  /** SQL statements and Redis commands it has sent so far. */
  counts(): Promise<{ sql: number; redis: number }>;
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

/** Starts one of the bench's child scripts (bench/<script>.ts) under tsx and waits until it is ready. */
export async function spawnBenchChild(script: string, options: SpawnOptions): Promise<BenchChild> {
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess = fork(path.join(HERE, script), [], {
    execArgv: [...(options.nodeFlags ?? []), '--import', 'tsx'],
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
      const { sql, redis } = await next('counts', { type: 'counts' });
      return { sql, redis };
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
