import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accepts, freePort } from './freePort.js';

/**
 * A redis-server of the test's own on a free port, keeping nothing on disk, so a test can
 * flush it, kill it, restart it empty or freeze it without disturbing the shared Redis that every
 * other test uses. Needs the `redis-server` binary (installed with Redis; `.ci/run` makes sure).
 */
export class PrivateRedis {
  port = 0;
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'lk-redis-'));

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it: on a free port the first time, on the same port (empty) after `kill`. */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      process.env.REDIS_SERVER_BIN ?? 'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { stdio: 'ignore' },
    );
    this.child = child;
    // A test that dies (a timeout, a crash) must not leave its redis-server running.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const deadline = Date.now() + 20_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited (${child.exitCode})`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
      await sleep(50);
    }
  }

  /** Kills it at once (SIGKILL): every key goes with it. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as with a hung server. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
