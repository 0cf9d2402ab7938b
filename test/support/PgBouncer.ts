import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { accepts, freePort } from './freePort.js';

/** Debian's pgbouncer (`apt-get install pgbouncer`; `.ci/run` installs it). */
export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

export const hasPgBouncer = (): boolean => existsSync(PGBOUNCER_BIN);

/**
 * A PgBouncer of the test's own on a free loopback port, in front of the PostgreSQL server of
 * `serverUrl` (every database by its own name), in transaction mode with `poolSize` server
 * connections per database: what a production deployment puts between many app processes and
 * PostgreSQL. PgBouncer refuses to run as root, so under root (CI) it drops to `nobody` (`-u`),
 * after reading its configuration.
 */
export class PgBouncer {
  port = 0;
  /** What it wrote on stderr, to tell why a test failed. */
  readonly log: string[] = [];
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'lk-pgbouncer-'));

  constructor(
    private readonly serverUrl: string,
    private readonly poolSize: number,
  ) {}

  /** `databaseUrl` (a database on the server) as reached through this PgBouncer. */
  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const server = new URL(this.serverUrl);
    const user = decodeURIComponent(server.username || 'postgres');
    const userlist = path.join(this.dir, 'userlist.txt');
    writeFileSync(userlist, `"${user}" ""\n`);
    const ini = path.join(this.dir, 'pgbouncer.ini');
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${userlist}`,
        'pool_mode = transaction',
        `default_pool_size = ${this.poolSize}`,
        'max_client_conn = 500',
        `admin_users = ${user}`,
        '',
      ].join('\n'),
    );
    const asRoot = process.getuid?.() === 0;
    const child = spawn(PGBOUNCER_BIN, [...(asRoot ? ['-u', 'nobody'] : []), ini], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.log.push(chunk));
    // A test that dies (a timeout, a crash) must not leave its pgbouncer running.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const deadline = Date.now() + 20_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${this.log.join('')}`);
      if (Date.now() > deadline) throw new Error(`pgbouncer on port ${this.port} did not start: ${this.log.join('')}`);
      await sleep(50);
    }
  }

  /** Runs one command on PgBouncer's admin console (SHOW POOLS, SHOW STATS, SHOW CLIENTS). */
  async admin<T = Record<string, unknown>>(command: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(new URL('/pgbouncer', this.serverUrl).toString()) });
    await client.connect();
    try {
      return (await client.query(command)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
