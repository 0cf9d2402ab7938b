import { runRetention } from '../privacy/retention.js';
import { Queue, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { CityData } from '../city/loadCityData.js';
import {
  CASE_KIND_LIST,
  clockDue,
  caseRowColumns,
  perKind,
  slaCasesOf,
  statusList,
  type CaseRow,
} from '../cases/caseKinds.js';
import { prismaSession, statement } from '../db/statements.js';
import type { ChannelName } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import { infraBackoff, INFRA_RETRY, jobsNotRunning, STALL_CHECK } from '../outbox/queueJobs.js';
import { restartStopped, watchWorkerErrors } from '../outbox/queueWorkerHealth.js';
import { buildDigest } from './buildDigest.js';
import { fillComplaintClocks } from './fillComplaintClocks.js';
import { fireTimer } from './fireTimer.js';
import { planTimers, timerId, type PlannedTimer, type SlaCase } from './planTimers.js';

export interface SlaSchedulerDeps {
  prisma: PrismaClient;
  city: CityData;
  logger: Logger;
  clock: () => Date;
  /** For the worker (BullMQ's blocking reads want `maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  /** For adding and reading jobs: fails at once while Redis is away. Defaults to `connection`. */
  producer?: Redis | Cluster;
  prefix?: string;
  /** Hands the notifications a fired timer wrote to the outbox. */
  dispatch: (rows: Array<{ id: string; channel: ChannelName }>) => Promise<void>;
}

const QUEUE = 'sla';
/** Open cases read from the database at a time when rebuilding timers. */
const PAGE = 500;
/** Jobs added to Redis in one addBulk (one MULTI): a page of complaints plans a few thousand. */
const ADD_BATCH = 1000;
/** Timer ids looked up in SlaNotice per query. */
const NOTICE_LOOKUP = 100;

/**
 * Per kind: a page of open cases after id $1 (from the first when null), only those with a
 * running clock due by $2 if given, at most $3.
 */
const OPEN_PAGE = perKind(({ kind, sql, openStatuses }) => {
  return statement(
    `sla_open_page_${kind}`,
    `SELECT ${caseRowColumns(kind)} FROM ${sql.table} x
         WHERE x.status IN (${statusList(openStatuses)}) AND ($1::uuid IS NULL OR x.id > $1::uuid)
           AND ($2::timestamptz IS NULL OR ${clockDue(kind, '<=', '$2::timestamptz')})
         ORDER BY x.id LIMIT $3`,
  );
});

const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { age: 7 * 86_400 },
  removeOnFail: { age: 30 * 86_400 },
  // Retried while our own database or Redis is away; a job that still fails is replaced by the
  // reconciler, which looks at the cases, not at the job.
  ...INFRA_RETRY,
};

const DIGEST_TEMPLATE = { name: 'digest', opts: INFRA_RETRY };
/** The daily retention run (UU PDP), in city time, on the same queue as the digest. */
const RETENTION_TEMPLATE = { name: 'retention', opts: INFRA_RETRY };
const RETENTION_CRON = '0 2 * * *';

/**
 * SLA timers on BullMQ delayed jobs. Every timer has a deterministic id (case, kind, index,
 * deadline version), so scheduling is idempotent. The database decides: the reconciler rebuilds
 * every timer from the open cases, and replaces the job of a timer that is due but has no
 * `SlaNotice` (it failed while the database was away, or went with Redis's data), so an overdue
 * escalation is sent whatever happened to its job. A timer fires exactly once (see fireTimer);
 * a timer of an old deadline or a closed case fires into nothing.
 */
export class SlaScheduler {
  readonly queue: Queue;
  private worker: Worker | null = null;
  private reconciling: Promise<number> | null = null;
  private closed = false;

  constructor(private readonly deps: SlaSchedulerDeps) {
    this.queue = new Queue(QUEUE, { connection: deps.producer ?? deps.connection, prefix: deps.prefix });
    // Redis going away is logged once by the runtime.
    this.queue.on('error', () => undefined);
  }

  /** The key that says the timers in this Redis were rebuilt: gone with a flush or an empty restart. */
  private get rebuiltKey(): string {
    return `${this.deps.prefix ?? 'bull'}:${QUEUE}:timers-rebuilt`;
  }

  /** Schedules every timer of an open case; a timer already due fires at once. */
  async schedule(c: SlaCase): Promise<void> {
    await this.add(planTimers(c, this.deps.city.sla, this.deps.clock()));
  }

  private async add(timers: PlannedTimer[]): Promise<void> {
    if (timers.length === 0) return;
    const now = this.deps.clock().getTime();
    for (let i = 0; i < timers.length; i += ADD_BATCH) {
      await this.queue.addBulk(
        timers.slice(i, i + ADD_BATCH).map((t) => ({
          name: 'fire',
          data: { timerId: t.id },
          opts: { ...JOB_OPTIONS, jobId: t.id, delay: Math.max(0, t.fireAt.getTime() - now) },
        })),
      );
    }
  }

  /** Removes the pending timers of a case clock's deadline version (a move, a pause, a stop, a close). */
  async cancel(c: Pick<SlaCase, 'kind' | 'id' | 'deadlineVersion' | 'clock'>): Promise<void> {
    const ids = [
      ...this.deps.city.sla.reminderFractions.map((_, i) => timerId(c, 'reminder', i)),
      ...this.deps.city.sla.escalation.map((_, i) => timerId(c, 'escalation', i)),
    ];
    for (const id of ids) {
      const job = await this.queue.getJob(id);
      if (job && (await job.isDelayed())) await job.remove();
    }
  }

  /**
   * After a status change, for one clock of the case: timers of older deadline versions go,
   * timers of a running clock come, those of a stopped one go.
   */
  async onCaseChanged(c: SlaCase & { running: boolean }): Promise<void> {
    for (let v = 0; v < c.deadlineVersion; v++) await this.cancel({ ...c, deadlineVersion: v });
    if (c.running) await this.schedule(c);
    else await this.cancel(c);
  }

  /**
   * Rebuilds the timers of every open case from the database: at start, on a schedule, after a
   * reconnect and when Redis lost its data. Deadlines passed while the system was down fire at
   * once, exactly once. Returns the number of open cases.
   */
  async reconcile(): Promise<number> {
    // One rebuild at a time; a caller arriving meanwhile shares it.
    this.reconciling ??= this.rebuild().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  private async rebuild(): Promise<number> {
    const { city } = this.deps;
    // The digest's and the retention run's schedules live in Redis too: put them back if they went with the rest.
    await this.queue.upsertJobScheduler(
      'sla-digest',
      { pattern: city.sla.digest.cron, tz: city.timezone },
      DIGEST_TEMPLATE,
    );
    await this.queue.upsertJobScheduler(
      'privacy-retention',
      { pattern: RETENTION_CRON, tz: city.timezone },
      RETENTION_TEMPLATE,
    );
    // Complaints filed before LAPOR's first two clocks were kept get their deadlines first.
    const filled = await fillComplaintClocks(this.deps.prisma, city);
    if (filled > 0)
      this.deps.logger.info({ complaints: filled }, 'verification and first-response deadlines filled in');
    let cases = 0;
    for await (const page of this.openCases({})) {
      await this.ensureTimers(page.clocks, this.deps.clock());
      cases += page.cases;
    }
    await this.deps.producer?.set(this.rebuiltKey, this.deps.clock().toISOString());
    return cases;
  }

  /**
   * The watch over the central promise: every open case past its deadline whose escalations are
   * due but not recorded as sent gets a job that will run, whatever became of the old one.
   * Cheap enough to run every few seconds. Returns the number of escalations set going again.
   */
  async reconcileOverdue(): Promise<number> {
    let restarted = 0;
    for await (const page of this.openCases({ overdueAt: this.deps.clock() })) {
      restarted += await this.ensureTimers(page.clocks, this.deps.clock(), { dueOnly: true });
    }
    return restarted;
  }

  /**
   * Whether this Redis still holds the timers the last rebuild put there: false after a flush or
   * a restart without its data (known only with a `producer` connection).
   */
  async timersIntact(): Promise<boolean> {
    const producer = this.deps.producer;
    return !producer || (await producer.exists(this.rebuiltKey)) === 1;
  }

  /**
   * Adds the missing jobs of these cases' timers and replaces those of due timers without a
   * notice whose job ended (failed, or finished without firing); live jobs are left alone.
   * Returns the number of due timers given a new job.
   */
  private async ensureTimers(cases: SlaCase[], now: Date, options: { dueOnly?: boolean } = {}): Promise<number> {
    const planned = cases.flatMap((c) => planTimers(c, this.deps.city.sla, now));
    const due = planned.filter((t) => t.fireAt.getTime() <= now.getTime());
    const fired = new Set<string>();
    // A short list per query: Prisma's plan cache keeps each query with its list of ids as the
    // key, up to a thousand of them, so a page's thousand ids at once would stay in memory.
    for (let i = 0; i < due.length; i += NOTICE_LOOKUP) {
      const notices = await this.deps.prisma.slaNotice.findMany({
        where: { timerId: { in: due.slice(i, i + NOTICE_LOOKUP).map((t) => t.id) } },
        select: { timerId: true },
      });
      for (const n of notices) fired.add(n.timerId);
    }
    const dueUnfired = due.filter((t) => !fired.has(t.id));
    const restarted = (
      await jobsNotRunning(
        dueUnfired,
        () => this.queue,
        (t) => t.id,
      )
    ).length;
    // Timers already fired are added too (a no-op while their job is kept): they fire into their notice.
    await this.add(options.dueOnly ? dueUnfired : planned);
    return restarted;
  }

  /**
   * Open cases page by page, with their running clocks as the SLA scheduler sees them; only those
   * with a running clock overdue at a moment if given.
   */
  private async *openCases(filter: { overdueAt?: Date }): AsyncGenerator<{ cases: number; clocks: SlaCase[] }> {
    const sql = prismaSession(this.deps.prisma);
    for (const { kind } of CASE_KIND_LIST) {
      for (let cursor: string | null = null; ;) {
        const rows: CaseRow[] = await sql.query<CaseRow>(OPEN_PAGE[kind], [cursor, filter.overdueAt ?? null, PAGE]);
        if (rows.length === 0) break;
        yield { cases: rows.length, clocks: rows.flatMap((r) => slaCasesOf(r, true).filter((k) => k.running)) };
        cursor = rows.at(-1)!.id;
      }
    }
  }

  /**
   * Starts firing timers, the daily digest of overdue cases for the Inspectorate and the daily
   * retention run of personal data (both in city time).
   * The digest's schedule, like every timer, is put in Redis by `reconcile`, which the caller runs
   * next: a Redis away at this moment then leaves the process with its worker all the same.
   */
  startWorker(): void {
    const { city, logger } = this.deps;
    this.worker = new Worker(
      QUEUE,
      async (job) => {
        const now = this.deps.clock();
        if (job.name === 'digest') {
          const rows = await buildDigest(this.deps.prisma, city, now);
          await this.deps.dispatch(rows);
          return;
        }
        if (job.name === 'retention') {
          await runRetention(this.deps.prisma, city, now, logger);
          return;
        }
        const id = (job.data as { timerId: string }).timerId;
        const outcome = await fireTimer(this.deps.prisma, city, id, now);
        if (outcome.status === 'sent') await this.deps.dispatch(outcome.outbox);
        logger.info(
          { timerId: id, outcome: outcome.status, late: now.getTime() - (job.timestamp + (job.opts.delay ?? 0)) },
          'SLA timer',
        );
      },
      {
        connection: this.deps.connection,
        prefix: this.deps.prefix,
        concurrency: 4,
        ...STALL_CHECK,
        settings: { backoffStrategy: infraBackoff },
      },
    );
    watchWorkerErrors(this.worker, logger, 'SLA worker error');
  }

  /** Starts the worker again if its run ended on a Redis error; returns whether it did. */
  restartStoppedWorker(): boolean {
    return this.worker && !this.closed ? restartStopped([this.worker], this.deps.logger) > 0 : false;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.close();
    await this.queue.close();
  }
}
