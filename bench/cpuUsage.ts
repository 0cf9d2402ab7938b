import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/** CPU time in milliseconds, by who used it. */
export interface CpuSnapshot {
  /** Every process of the machine (busy time of all cores, from /proc/stat). */
  machine: number;
  /**
   * This run's PostgreSQL: the backends of its own database and the cluster's background
   * processes (WAL writer, checkpointer, ...), by process id, so that a backend which exits or
   * starts between two snapshots is counted right. Every PostgreSQL process when the run's own
   * are not known.
   */
  postgres: Map<string, number>;
  /** The backends of other databases on the same server (another tenant's tests, say). */
  otherPostgres: Map<string, number>;
  redis: Map<string, number>;
  /** The processes the bench started, by label. */
  processes: Record<string, number>;
  /** This process: the load generator, the fakes, the runner. */
  self: number;
}

// Linux reports process times in clock ticks of 1/100 s on every architecture Node runs on.
const TICK_MS = 10;

function readTicks(pid: number | string): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const rest = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 12th and 13th after the command name.
    return { comm, ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

function machineBusyMs(): number {
  try {
    const [first] = readFileSync('/proc/stat', 'utf8').split('\n');
    const fields = (first ?? '').trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - idle) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/**
 * Reads how much CPU the machine, PostgreSQL, Redis, the bench's children and the bench itself
 * have used so far. Two snapshots around a measurement say where its CPU went; what the machine
 * used beyond them is other tenants of a shared machine. Linux only (NaN elsewhere).
 */
export function cpuSnapshot(
  children: Record<string, number> = {},
  ownPostgres: PostgresBackends | null = null,
): CpuSnapshot {
  const postgres = new Map<string, number>();
  const otherPostgres = new Map<string, number>();
  const own = ownPostgres?.pids() ?? null;
  const redis = new Map<string, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readTicks(entry);
      if (!stat) continue;
      if (stat.comm === 'postgres')
        (!own || own.has(entry) ? postgres : otherPostgres).set(entry, stat.ticks * TICK_MS);
      else if (stat.comm.startsWith('redis-server')) redis.set(entry, stat.ticks * TICK_MS);
    }
  } catch {
    // Not Linux: the process figures stay empty.
  }
  const processes: Record<string, number> = {};
  for (const [label, pid] of Object.entries(children))
    processes[label] = (readTicks(pid)?.ticks ?? Number.NaN) * TICK_MS;
  const self = process.cpuUsage();
  return {
    machine: machineBusyMs(),
    postgres,
    otherPostgres,
    redis,
    processes,
    self: (self.user + self.system) / 1000,
  };
}

/**
 * CPU used between two snapshots by a group of processes: what each process present at the end
 * added (all of it, for one started in between). One that exited in between is not seen.
 */
function used(before: Map<string, number>, after: Map<string, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += Math.max(0, ms - (before.get(pid) ?? 0));
  return sum;
}

/** CPU milliseconds spent between two snapshots, per unit of work (a message, say). */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
  const per = (a: number, b: number) => Number(((b - a) / Math.max(1, units)).toFixed(3));
  const out: Record<string, number> = {};
  let known = 0;
  for (const label of Object.keys(after.processes)) {
    const used = (after.processes[label] ?? 0) - (before.processes[label] ?? 0);
    known += used;
    out[label] = per(0, used);
  }
  const postgres = used(before.postgres, after.postgres);
  const otherPostgres = used(before.otherPostgres, after.otherPostgres);
  const redis = used(before.redis, after.redis);
  const self = after.self - before.self;
  known += postgres + otherPostgres + redis + self;
  out.postgres = per(0, postgres);
  out.otherPostgres = per(0, otherPostgres);
  out.redis = per(0, redis);
  out.loadGenerator = per(0, self);
  out.otherProcesses = per(0, after.machine - before.machine - known);
  out.machine = per(before.machine, after.machine);
  return out;
}

/**
 * The process ids of one database's backends and of the server's background processes, polled
 * from pg_stat_activity, so that CPU snapshots count this run's PostgreSQL and not another
 * database's on the same server. A snapshot reads the last poll: pools keep their connections,
 * so a backend of the run is known long before a measurement window opens.
 */
export class PostgresBackends {
  private known = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  static async watch(databaseUrl: string, database: string, everyMs = 250): Promise<PostgresBackends> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const watch = new PostgresBackends(client, database);
    await watch.poll();
    watch.timer = setInterval(() => void watch.poll().catch(() => undefined), everyMs);
    return watch;
  }

  pids(): ReadonlySet<string> {
    return this.known;
  }

  private async poll(): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>({
      name: 'bench_own_backends',
      text: `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR datname IS NULL`,
      values: [this.database],
    });
    // A pid once ours stays ours: a backend that exits still used its CPU in this run.
    for (const r of rows) this.known.add(String(r.pid));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.client.end();
  }
}
