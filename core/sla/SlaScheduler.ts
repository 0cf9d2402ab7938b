import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { CityData } from '../city/loadCityData.js';
import { COMPLAINT_OPEN_STATUSES } from '../cases/complaintLifecycle.js';
import { PERMIT_OPEN_STATUSES } from '../cases/permitLifecycle.js';
import type { ChannelName } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import { buildDigest } from './buildDigest.js';
import { fireTimer } from './fireTimer.js';
import { planTimers, timerId, type SlaCase } from './planTimers.js';

export interface SlaSchedulerDeps {
  prisma: PrismaClient;
  city: CityData;
  logger: Logger;
  clock: () => Date;
  connection: ConnectionOptions;
  prefix?: string;
  /** Hands the notifications a fired timer wrote to the outbox. */
  dispatch: (rows: Array<{ id: string; channel: ChannelName }>) => Promise<void>;
}

const QUEUE = 'sla';

/**
 * SLA timers on BullMQ delayed jobs. Every timer has a deterministic id (case, kind, index,
 * deadline version), so scheduling is idempotent and the reconciler can rebuild every timer from
 * the open cases in the database, which stay the truth. A timer fires exactly once (see
 * fireTimer); a timer of an old deadline or a closed case fires into nothing.
 */
export class SlaScheduler {
  readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(private readonly deps: SlaSchedulerDeps) {
    this.queue = new Queue(QUEUE, { connection: deps.connection, prefix: deps.prefix });
  }

  /** Schedules every timer of an open case; a timer already due fires at once. */
  async schedule(c: SlaCase): Promise<void> {
    const now = this.deps.clock();
    for (const timer of planTimers(c, this.deps.city.sla, now)) {
      await this.queue.add(
        'fire',
        { timerId: timer.id },
        {
          jobId: timer.id,
          delay: Math.max(0, timer.fireAt.getTime() - now.getTime()),
          removeOnComplete: { age: 7 * 86_400 },
          removeOnFail: { age: 30 * 86_400 },
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      );
    }
  }

  /** Removes the pending timers of a case's deadline version (a move, a pause, a close). */
  async cancel(c: Pick<SlaCase, 'kind' | 'id' | 'deadlineVersion'>): Promise<void> {
    const ids = [
      ...this.deps.city.sla.reminderFractions.map((_, i) => timerId(c, 'reminder', i)),
      ...this.deps.city.sla.escalation.map((_, i) => timerId(c, 'escalation', i)),
    ];
    for (const id of ids) {
      const job = await this.queue.getJob(id);
      if (job && (await job.isDelayed())) await job.remove();
    }
  }

  /** After a status change: timers of older deadline versions go, timers of a running clock come. */
  async onCaseChanged(c: SlaCase & { running: boolean }): Promise<void> {
    for (let v = 0; v < c.deadlineVersion; v++) await this.cancel({ ...c, deadlineVersion: v });
    if (c.running) await this.schedule(c);
    else await this.cancel(c);
  }

  /**
   * Rebuilds the timers of every open case from the database: at start, on a schedule, and after
   * Redis lost its data. Deadlines passed while the system was down fire at once, exactly once.
   */
  async reconcile(): Promise<number> {
    const { prisma, city } = this.deps;
    // The digest's schedule lives in Redis too: put it back if it went with the rest.
    await this.queue.upsertJobScheduler(
      'sla-digest',
      { pattern: city.sla.digest.cron, tz: city.timezone },
      { name: 'digest' },
    );
    const permits = await prisma.permitApplication.findMany({
      where: { status: { in: [...PERMIT_OPEN_STATUSES] } },
      select: { id: true, submittedAt: true, deadlineAt: true, deadlineVersion: true },
    });
    const complaints = await prisma.complaint.findMany({
      where: { status: { in: [...COMPLAINT_OPEN_STATUSES] } },
      select: { id: true, createdAt: true, deadlineAt: true, deadlineVersion: true },
    });
    for (const p of permits) {
      await this.schedule({
        kind: 'permit',
        id: p.id,
        startedAt: p.submittedAt,
        deadlineAt: p.deadlineAt,
        deadlineVersion: p.deadlineVersion,
      });
    }
    for (const c of complaints) {
      await this.schedule({
        kind: 'complaint',
        id: c.id,
        startedAt: c.createdAt,
        deadlineAt: c.deadlineAt,
        deadlineVersion: c.deadlineVersion,
      });
    }
    return permits.length + complaints.length;
  }

  /** Starts firing timers, and the daily digest of overdue cases for the Inspectorate (city time). */
  async startWorker(): Promise<void> {
    const { city, logger } = this.deps;
    await this.queue.upsertJobScheduler(
      'sla-digest',
      { pattern: city.sla.digest.cron, tz: city.timezone },
      { name: 'digest' },
    );
    this.worker = new Worker(
      QUEUE,
      async (job) => {
        const now = this.deps.clock();
        if (job.name === 'digest') {
          const rows = await buildDigest(this.deps.prisma, city, now);
          await this.deps.dispatch(rows);
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
      { connection: this.deps.connection, prefix: this.deps.prefix, concurrency: 4 },
    );
    this.worker.on('error', (error) => logger.error({ err: error }, 'SLA worker error'));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
