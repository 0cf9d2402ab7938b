import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelSenders, SendResume } from '../channels/ChannelSender.js';
import type { ChannelName, Reply } from '../conversation/types.js';
import { Prisma, type OutboxStatus, type PrismaClient } from '../generated/prisma/client.js';
import type { Translator } from '../i18n/createTranslator.js';
import type { Logger } from '../log/createLogger.js';
import { quietUntil } from '../notify/quietHours.js';
import { storableText } from '../domain/storableText.js';
import { isOptedOut, recordProviderOptOut } from '../channels/providerOptOut.js';
import { RecipientOptedOut } from '../channels/RecipientOptedOut.js';

export interface OutboxRelayDeps {
  prisma: PrismaClient;
  senders: ChannelSenders;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /** Hand-overs to the provider before a row is marked failed (it stays visible to operators). */
  maxAttempts: number;
  /** Wait after the first refusal; it doubles with each further one. Default 2000 ms. */
  retryBaseMs?: number;
  /** No SMS notification between these local times unless it is urgent. */
  quietHours?: { start: string; end: string; timeZone: string } | undefined;
  /** This process, as its claims name it: random per start unless given. */
  instanceId?: string;
  /** How often a delivering process tells the database it is alive. Default 5 s. */
  heartbeatMs?: number;
  /** Told of each heartbeat the database took: a health check outside the process reads it. */
  onBeat?: () => void;
  /**
   * A claim of a process silent this long, while this process's database was up, is taken over
   * (the process was killed mid-send). Default 20 s.
   */
  ownerSilentMs?: number;
}

/** A claim older than this is taken over whatever its process says (a live but stuck send). */
const CLAIM_TTL_MS = 5 * 60_000;
/** Margin for the clocks of this process and the provider when asking what the provider has. */
const RESUME_MARGIN_MS = 60_000;

export type DeliveryOutcome =
  | 'sent'
  | 'failed'
  /** The provider refused; the row is tried again after `retryInMs`. */
  | 'retry'
  | 'skipped'
  | 'suppressed'
  /** An SMS notification in quiet hours: it waits until `at`. */
  | 'deferred'
  /** An earlier message to the same address is not settled yet; this one waits its turn. */
  | 'blocked';

/** What one delivery attempt came to, for whatever wakes rows up (a queue, or this process). */
export interface DeliveryAttempt {
  outcome: DeliveryOutcome;
  /** Quiet hours: when the row may go (city time, by this process's clock). */
  at?: Date;
  /** After a refusal: how long to wait before the next attempt. */
  retryInMs?: number;
  /** The next pending row to the same address, now free to go (after sent, failed, suppressed). */
  next?: { id: string; channel: ChannelName };
}

type Row = NonNullable<Awaited<ReturnType<typeof loadRow>>>;

const loadRow = (prisma: PrismaClient, id: string) =>
  prisma.outboxMessage.findUnique({ where: { id }, include: { citizen: true } });

/**
 * Delivers outbox rows through the channel senders this process has. The row is the truth:
 * what is due, how often the provider refused (errors of our own database or Redis are thrown
 * and never count), who holds it while it is handed over, and the order in which the messages
 * to one address leave (never overtaking an earlier one that is not settled). A row whose
 * channel this process lacks is left pending for a process that has it; after `maxAttempts`
 * refusals it is marked failed, never dropped. An SMS to a number that sent STOP is suppressed,
 * except the confirmation of that STOP.
 *
 * Once the provider has answered, the answer is recorded whatever it takes: while the database
 * is away the relay keeps trying, so a message the provider accepted is never handed over again
 * by this process. A claim left by a process that died is taken over once that process has been
 * silent (see WorkerHeartbeat); the sender is then told the provider may already have it.
 */
export class OutboxRelay {
  readonly instanceId: string;
  private beating: NodeJS.Timeout | null = null;
  private firstBeat: Promise<void> | null = null;
  /** Since when this process has reached the database without a break (null: not now). */
  private databaseUpSince: number | null = null;
  private closing: { until: number } | null = null;

  constructor(private readonly deps: OutboxRelayDeps) {
    this.instanceId = deps.instanceId ?? randomUUID();
  }

  /** Delivers the given rows now, in order; a failure is recorded and left for a later pass. */
  async deliver(ids: readonly string[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const id of ids) outcomes.push((await this.deliverOne(id)).outcome);
    return outcomes;
  }

  /**
   * One delivery attempt, for a queue worker. Throws only when this process could not reach its
   * own database: such an error is never the message's fault and uses none of its attempts.
   */
  async attempt(id: string): Promise<DeliveryAttempt> {
    return this.deliverOne(id);
  }

  /** Delivers every due row of the channels this process has, oldest first (after a restart, say). */
  async drainPending(limit = 100): Promise<number> {
    const rows = await this.dueIds(limit);
    await this.deliver(rows.map((r) => r.id));
    return rows.length;
  }

  /**
   * Pending rows of this process's channels that are due by now (their wait after a refusal
   * over), oldest first: what the database says should be on its way, whatever a queue holds.
   */
  async dueIds(limit = 100, now = this.deps.clock()): Promise<Array<{ id: string; channel: ChannelName }>> {
    const channels = Object.keys(this.deps.senders) as ChannelName[];
    if (channels.length === 0) return [];
    return this.deps.prisma.outboxMessage.findMany({
      where: {
        status: 'pending',
        channel: { in: channels },
        OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
      },
      orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }],
      take: limit,
      select: { id: true, channel: true },
    });
  }

  /**
   * Starts telling the database this process is alive, before any claim: the time a process must
   * itself have reached the database before it takes over a silent process's claims runs from here.
   */
  async startHeartbeat(): Promise<void> {
    await this.heartbeat();
  }

  /**
   * Shutting down: answers of providers not yet recorded (the database is away) are tried for
   * `graceMs` more, then given up, so a stop is not held for ever. A row given up stays claimed,
   * and is settled by whichever process takes it over.
   */
  windDown(graceMs = 10_000): void {
    this.closing = { until: Date.now() + graceMs };
  }

  /** Stops the heartbeat once nothing of this process is in flight any more (after the workers). */
  async close(): Promise<void> {
    this.closing ??= { until: Date.now() };
    if (this.beating) clearInterval(this.beating);
    this.beating = null;
    if (this.firstBeat) {
      // A clean stop: nothing of ours is in flight, so nobody need wait for this process's silence.
      await Promise.race([
        this.deps.prisma.workerHeartbeat.deleteMany({ where: { id: this.instanceId } }).catch(() => undefined),
        sleep(2000),
      ]);
    }
  }

  private async deliverOne(id: string): Promise<DeliveryAttempt> {
    const { prisma, senders, translator, logger } = this.deps;
    const row = await loadRow(prisma, id);
    if (!row || row.status !== 'pending') return { outcome: 'skipped' };
    const sender = senders[row.channel];
    if (!sender) return { outcome: 'skipped' };
    const now = this.deps.clock();
    const quietEnd = this.quietEnd(now);
    if (quietEnd && deferrableInQuietHours(row)) return { outcome: 'deferred', at: quietEnd };
    // A status notice waiting for further changes to go with it (see writeStatusNotice).
    if (gathering(row, now)) return { outcome: 'deferred', at: row.nextAttemptAt! };

    await this.heartbeat();
    if (!(await this.claim(row, now, quietEnd !== null))) {
      return { outcome: (await this.waitsBehindEarlier(row, now, quietEnd !== null)) ? 'blocked' : 'skipped' };
    }
    if (row.channel === 'sms' && row.citizen?.smsOptOut && row.kind !== 'optOutConfirmation') {
      return { outcome: 'suppressed', next: await this.settle(row, { status: 'suppressed' }) };
    }
    // The provider said this person takes nothing more here (a blocked bot, an unsubscribed number).
    if (row.kind !== 'optOutConfirmation' && (await isOptedOut(prisma, row.channel, row.address))) {
      return { outcome: 'suppressed', next: await this.settle(row, { status: 'suppressed' }) };
    }

    const replies = (row.replies as unknown as Reply[]).map((r) => translator.render(row.language, r));
    // Handed over before and never settled as sent: the provider may have it, or its first texts.
    const resume = row.handedAt && (row.claimedAt || row.attempts > 0) ? await this.resumeOf(row) : undefined;
    let providerMessageId: string | undefined;
    try {
      ({ providerMessageId } = await sender.send({
        id: row.id,
        channel: row.channel,
        address: row.address,
        lang: row.language,
        replies,
        urgent: row.urgent,
        ...(resume ? { resume } : {}),
        ...(row.fallbackOfId ? { fallback: true } : {}),
      }));
    } catch (error) {
      if (error instanceof RecipientOptedOut) return this.optedOut(row, error);
      // The provider refused or could not be reached: that counts as an attempt.
      const attempts = row.attempts + 1;
      const failed = attempts >= this.deps.maxAttempts;
      const reason = storableText(String((error as Error).message ?? error), 500);
      const retryInMs = this.retryDelay(attempts, error);
      const next = await this.settle(row, {
        status: failed ? 'failed' : 'pending',
        attempts,
        lastError: reason,
        nextAttemptAt: new Date(this.deps.clock().getTime() + retryInMs),
      });
      logger.warn(
        { outboxId: id, channel: row.channel, address: row.address, attempts, failed },
        'outbound send failed',
      );
      return failed ? { outcome: 'failed', next } : { outcome: 'retry', retryInMs };
    }
    const next = await this.settle(row, {
      status: 'sent',
      attempts: row.attempts + 1,
      sentAt: this.deps.clock(),
      providerMessageId: providerMessageId ?? null,
    });
    return { outcome: 'sent', next };
  }

  /**
   * The provider refused because the recipient opted out: no retry can pass. The row fails with
   * the provider's reason, and the opt-out is recorded on the identity, so nothing more is tried
   * there until the citizen writes again.
   */
  private async optedOut(row: Row, error: RecipientOptedOut): Promise<DeliveryAttempt> {
    const next = await this.settle(row, {
      status: 'failed',
      attempts: row.attempts + 1,
      lastError: storableText(error.message, 500),
    });
    await this.persistently(row.id, () =>
      recordProviderOptOut(this.deps.prisma, this.deps.logger, {
        channel: row.channel,
        address: row.address,
        reason: error.reason,
        at: this.deps.clock(),
      }),
    );
    return { outcome: 'failed', next };
  }

  /**
   * Claims the row for this process, in one statement: still pending, not held by a live process
   * (a claim may be taken over when it expired, or when its process has been silent while this
   * one reached the database), and no earlier message to the same address still unsettled.
   */
  private async claim(row: Row, now: Date, quiet: boolean): Promise<boolean> {
    const me = this.instanceId;
    const expired = new Date(now.getTime() - CLAIM_TTL_MS);
    const ownerSilentMs = this.deps.ownerSilentMs ?? 20_000;
    const silentSince = new Date(now.getTime() - ownerSilentMs);
    const mayTakeOver = this.databaseUpSince !== null && now.getTime() - this.databaseUpSince >= ownerSilentMs;
    const claimed = await this.deps.prisma.$executeRaw`
      UPDATE "OutboxMessage" AS o
      SET "claimedAt" = ${now}, "claimedBy" = ${me}::uuid, "handedAt" = COALESCE(o."handedAt", ${now})
      WHERE o.id = ${row.id}::uuid AND o.status = 'pending'
        AND (o."claimedAt" IS NULL OR o."claimedAt" < ${expired}
          OR (${mayTakeOver} AND o."claimedBy" IS DISTINCT FROM ${me}::uuid AND NOT EXISTS (
            SELECT 1 FROM "WorkerHeartbeat" h WHERE h.id = o."claimedBy" AND h."beatAt" >= ${silentSince})))
        AND NOT ${earlierUnsettled(now, quiet)}`;
    return claimed === 1;
  }

  /** Whether an earlier message to the row's address is still unsettled (the claim's last rule). */
  private async waitsBehindEarlier(row: Row, now: Date, quiet: boolean): Promise<boolean> {
    const [found] = await this.deps.prisma.$queryRaw<Array<{ blocked: boolean }>>`
      SELECT ${earlierUnsettled(now, quiet)} AS blocked FROM "OutboxMessage" AS o WHERE o.id = ${row.id}::uuid`;
    return found?.blocked === true;
  }

  /** What a sender needs to ask its provider about an earlier hand-over of this row. */
  private async resumeOf(row: Row): Promise<SendResume> {
    const since = new Date(row.handedAt!.getTime() - RESUME_MARGIN_MS);
    const others = await this.deps.prisma.outboxMessage.findMany({
      where: {
        channel: row.channel,
        address: row.address,
        id: { not: row.id },
        providerMessageId: { not: null },
        OR: [{ sentAt: { gte: since } }, { status: 'pending' }],
      },
      select: { providerMessageId: true },
    });
    return { since, otherProviderIds: others.flatMap((o) => (o.providerMessageId ?? '').split(',').filter(Boolean)) };
  }

  /**
   * Records what became of a claimed row and releases the claim; returns the next pending row to
   * the same address, which may go now. Kept trying while the database is away: the provider has
   * answered, and only the record of it is missing.
   */
  private async settle(
    row: Row,
    change: {
      status: OutboxStatus;
      attempts?: number;
      lastError?: string;
      nextAttemptAt?: Date;
      sentAt?: Date;
      providerMessageId?: string | null;
    },
  ): Promise<{ id: string; channel: ChannelName } | undefined> {
    const { prisma } = this.deps;
    // Each id of the row's texts gets its own row, in the same transaction: what reports look up.
    const ids = (change.providerMessageId ?? '').split(',').filter(Boolean);
    const providerIds = ids.map((providerMessageId) => ({
      providerMessageId,
      channel: row.channel,
      outboxMessageId: row.id,
    }));
    const [settled] = await this.persistently(row.id, () =>
      prisma.$transaction([
        prisma.$queryRaw<Array<{ next: string | null }>>`
        UPDATE "OutboxMessage" AS o
        SET status = ${change.status}::"OutboxStatus",
            attempts = ${change.attempts ?? row.attempts},
            "lastError" = ${change.lastError ?? row.lastError},
            "nextAttemptAt" = ${change.nextAttemptAt ?? row.nextAttemptAt},
            "sentAt" = ${change.sentAt ?? row.sentAt},
            "providerMessageId" = ${change.providerMessageId === undefined ? row.providerMessageId : change.providerMessageId},
            "claimedAt" = NULL,
            "claimedBy" = NULL
        WHERE o.id = ${row.id}::uuid
        RETURNING (
          SELECT n.id FROM "OutboxMessage" n
          WHERE n.channel = o.channel AND n.address = o.address AND n.status = 'pending' AND n.seq > o.seq
          ORDER BY n.seq LIMIT 1
        )::text AS next`,
        ...(providerIds.length > 0
          ? [prisma.providerMessage.createMany({ data: providerIds, skipDuplicates: true })]
          : []),
      ]),
    );
    if (change.status === 'pending') return undefined;
    const next = settled[0]?.next;
    return next ? { id: next, channel: row.channel } : undefined;
  }

  private async persistently<T>(outboxId: string, write: () => Promise<T>): Promise<T> {
    for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
      try {
        return await write();
      } catch (error) {
        if (this.closing && Date.now() > this.closing.until) throw error;
        this.databaseUpSince = null;
        this.deps.logger.warn(
          { outboxId, reason: (error as Error).message },
          'outbox: the provider answered but the database is away; recording it again shortly',
        );
        await sleep(wait);
      }
    }
  }

  /**
   * Tells the database this process is alive: once before its first claim, then every few
   * seconds. Also tracks since when the database has been reachable without a break.
   */
  private async heartbeat(): Promise<void> {
    if (!this.firstBeat) {
      this.firstBeat = this.beat(true).catch((error: unknown) => {
        this.firstBeat = null;
        throw error;
      });
      await this.firstBeat;
      this.beating = setInterval(() => void this.beat(false).catch(() => undefined), this.deps.heartbeatMs ?? 5000);
      this.beating.unref();
      return;
    }
    await this.firstBeat;
  }

  private async beat(first: boolean): Promise<void> {
    const { prisma } = this.deps;
    const now = this.deps.clock();
    try {
      await prisma.workerHeartbeat.upsert({
        where: { id: this.instanceId },
        create: { id: this.instanceId, startedAt: now, beatAt: now },
        update: { beatAt: now },
      });
      // Processes long gone leave their last beat behind.
      if (first)
        await prisma.workerHeartbeat.deleteMany({ where: { beatAt: { lt: new Date(now.getTime() - 86_400_000) } } });
    } catch (error) {
      this.databaseUpSince = null;
      throw error;
    }
    this.databaseUpSince ??= now.getTime();
    this.deps.onBeat?.();
  }

  private quietEnd(now: Date): Date | null {
    const quiet = this.deps.quietHours;
    return quiet ? quietUntil(now, quiet, quiet.timeZone) : null;
  }

  private retryDelay(attempts: number, error: unknown): number {
    const backoff = (this.deps.retryBaseMs ?? 2000) * 2 ** (attempts - 1);
    const asked = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return Math.max(backoff, typeof asked === 'number' ? asked : 0);
  }
}

/**
 * Whether an earlier message to the address of row `o` is still unsettled, so `o` waits its turn:
 * any pending one written before it, except a non-urgent SMS notification held for the morning in
 * quiet hours and a status notice still gathering changes (`gathering`, in SQL), which are no
 * reply to what follows them. A notification with no wait set is due and does hold the rest up.
 */
function earlierUnsettled(now: Date, quiet: boolean): Prisma.Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM "OutboxMessage" e
    WHERE e.channel = o.channel AND e.address = o.address AND e.status = 'pending' AND e.seq < o.seq
      AND NOT (${quiet} AND e.channel = 'sms' AND e.kind = 'notification' AND NOT e.urgent)
      AND NOT (e.kind = 'notification' AND e.attempts = 0 AND e."nextAttemptAt" IS NOT NULL
        AND e."nextAttemptAt" > ${now}))`;
}

/**
 * A notification that has not been tried and is not due yet: a status notice gathering the
 * changes that follow it. It never holds up the messages after it (it is no reply to them).
 */
function gathering(row: Row, now: Date): boolean {
  return row.kind === 'notification' && row.attempts === 0 && row.nextAttemptAt !== null && row.nextAttemptAt > now;
}

/** Non-urgent SMS notifications wait for the morning in quiet hours; replies never do. */
function deferrableInQuietHours(row: { channel: ChannelName; kind: string; urgent: boolean }): boolean {
  return row.channel === 'sms' && row.kind === 'notification' && !row.urgent;
}
