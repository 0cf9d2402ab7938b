import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { accepts, freePort } from './freePort.js';

const run = promisify(execFile);
const REDIS_SERVER = () => process.env.REDIS_SERVER_BIN ?? 'redis-server';
const REDIS_CLI = () => process.env.REDIS_CLI_BIN ?? 'redis-cli';

/**
 * A Redis Cluster of the test's own: three masters (no replicas) on free loopback ports, keeping
 * nothing on disk, joined with `redis-cli --cluster create`. Needs the `redis-server` and
 * `redis-cli` binaries (installed with Redis; `.ci/run` makes sure).
 */
export class PrivateRedisCluster {
  ports: number[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'lk-redis-cluster-'));

  /** host:port of each master, as REDIS_CLUSTER_NODES takes them. */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async start(masters = 3): Promise<void> {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const dir = path.join(this.dir, String(port));
      mkdirSync(dir);
      this.ports.push(port);
      this.children.push(
        spawnKilledWithUs(REDIS_SERVER(), [
          ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf')],
          ...['--save', '', '--appendonly', 'no'],
        ]),
      );
    }
    for (const [i, port] of this.ports.entries()) await waitAccepts(port, this.children[i]!);
    await run(REDIS_CLI(), [
      '--cluster',
      'create',
      ...this.ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every master must know the whole cluster before clients are told about it.
    const deadline = Date.now() + 30_000;
    for (const port of this.ports) {
      for (;;) {
        const { stdout } = await run(REDIS_CLI(), ['-p', String(port), 'cluster', 'info']);
        if (/cluster_state:ok/.test(stdout) && /cluster_known_nodes:(\d+)/.exec(stdout)?.[1] === String(masters)) break;
        if (Date.now() > deadline) throw new Error(`Redis Cluster on ${this.nodes} did not come up:\n${stdout}`);
        await sleep(100);
      }
    }
  }

  /** A client of the test (keys to look at), connected, its masters known; the caller disconnects it. */
  async client(): Promise<Cluster> {
    const client = new Cluster(this.ports.map((port) => ({ host: '127.0.0.1', port })));
    if (client.status !== 'ready') await once(client, 'ready');
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map(killAndWait));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A Redis master and one Sentinel watching it (quorum 1) on free loopback ports, keeping nothing
 * on disk: what REDIS_SENTINELS points at. Needs the `redis-server` binary.
 */
export class PrivateRedisSentinel {
  masterPort = 0;
  sentinelPort = 0;
  readonly masterName = 'mymaster';
  private readonly children: ChildProcess[] = [];
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'lk-redis-sentinel-'));

  get sentinels(): string {
    return `127.0.0.1:${this.sentinelPort}`;
  }

  async start(): Promise<void> {
    this.masterPort = await freePort();
    const master = spawnKilledWithUs(REDIS_SERVER(), [
      ...['--port', String(this.masterPort), '--bind', '127.0.0.1', '--dir', this.dir],
      ...['--save', '', '--appendonly', 'no'],
    ]);
    this.children.push(master);
    await waitAccepts(this.masterPort, master);
    this.sentinelPort = await freePort();
    // Sentinel rewrites its configuration file: it must be one of its own, writable.
    const conf = path.join(this.dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${this.sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${this.masterName} 127.0.0.1 ${this.masterPort} 1`,
        `sentinel down-after-milliseconds ${this.masterName} 5000`,
        '',
      ].join('\n'),
    );
    const sentinel = spawnKilledWithUs(REDIS_SERVER(), [conf, '--sentinel']);
    this.children.push(sentinel);
    await waitAccepts(this.sentinelPort, sentinel);
    // Up once the Sentinel names the master.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { stdout } = await run(REDIS_CLI(), [
        ...['-p', String(this.sentinelPort)],
        ...['sentinel', 'get-master-addr-by-name', this.masterName],
      ]);
      if (stdout.includes(String(this.masterPort))) break;
      if (Date.now() > deadline) throw new Error(`Sentinel on ${this.sentinelPort} does not know the master`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map(killAndWait));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function spawnKilledWithUs(bin: string, args: string[]): ChildProcess {
  const child = spawn(bin, args, { stdio: 'ignore' });
  // A test that dies (a timeout, a crash) must not leave its redis-server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return child;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function waitAccepts(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
    await sleep(50);
  }
}
