import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How the app is started from the project root: its TypeScript through tsx, as in development. */
export const TSX_APP = ['--import', 'tsx', 'app/main.ts'];

/**
 * The app (`tsx app/main.ts`, or a compiled build's `node dist/app/main.js`), configured by its
 * environment, in a child process of the test, so a test can kill it with SIGKILL or SIGTERM
 * mid-traffic and start it again. Its log lines (JSON on stderr) go to `logFile`, kept across restarts.
 */
export class AppProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(
    readonly label: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
    /** Node's arguments: the entry point and what it needs. */
    private readonly entry: string[] = TSX_APP,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it and waits until it says it started (and, for the web role, answers /healthz). */
  async start(timeoutMs = 90_000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const startedAt = this.log().length;
    const child = spawn(process.execPath, this.entry, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...this.env },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.exited = once(child, 'exit');
    // A test that dies (a timeout, a crash) must not leave the app running.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.log().slice(startedAt).includes('"msg":"LayanKota started"')) break;
      if (!this.running) throw new Error(`${this.label} exited while starting:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.label} did not start within ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(100);
    }
  }

  /**
   * Sends a signal and waits for the process to end (SIGKILL: at once; SIGTERM: its shutdown,
   * killed after `timeoutMs`). Says how it ended and how long it took.
   */
  async kill(
    signal: 'SIGKILL' | 'SIGTERM',
    timeoutMs = 60_000,
  ): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const started = Date.now();
    if (this.running) {
      this.child!.kill(signal);
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    return { code: this.child?.exitCode ?? null, signal: this.child?.signalCode ?? null, ms: Date.now() - started };
  }

  /** The exit code or signal of the last run, once it ended. */
  get exit(): { code: number | null; signal: string | null } | null {
    if (!this.child || this.running) return null;
    return { code: this.child.exitCode, signal: this.child.signalCode };
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  tail(lines = 40): string {
    return this.log().trimEnd().split('\n').slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM', 20_000);
  }

  /** Stops it with SIGTERM and fails unless its own shutdown ended it cleanly within `timeoutMs`. */
  async terminate(timeoutMs = 30_000): Promise<number> {
    const ended = await this.kill('SIGTERM', timeoutMs);
    if (ended.code !== 0) {
      throw new Error(`${this.label} did not shut down cleanly on SIGTERM (${JSON.stringify(ended)}):\n${this.tail()}`);
    }
    return ended.ms;
  }
}
