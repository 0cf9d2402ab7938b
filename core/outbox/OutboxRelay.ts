import type { ChannelSenders } from '../channels/ChannelSender.js';
import type { Reply } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Translator } from '../i18n/createTranslator.js';
import type { Logger } from '../log/createLogger.js';
import { quietUntil } from '../notify/quietHours.js';

export interface OutboxRelayDeps {
  prisma: PrismaClient;
  senders: ChannelSenders;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /** Attempts before a row is marked failed (it stays visible to operators). */
  maxAttempts: number;
  /** No SMS notification between these local times unless it is urgent. */
  quietHours?: { start: string; end: string; timeZone: string } | undefined;
}

const CLAIM_TTL_MS = 5 * 60_000;

export type DeliveryOutcome = 'sent' | 'failed' | 'retry' | 'skipped' | 'suppressed' | 'deferred';

/** Thrown by `attempt` for an SMS notification in quiet hours: try again at `until`. */
export class DeferUntil extends Error {
  override name = 'DeferUntil';
  constructor(readonly until: Date) {
    super(`deferred until ${until.toISOString()}`);
  }
}

/** Thrown by `attempt` when a send failed and should be tried again later (BullMQ retries it). */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

/**
 * Delivers outbox rows through the channel senders this process has. A row whose channel this
 * process lacks is left pending for a process that has it; a failed send is retried until
 * `maxAttempts`, then the row is marked failed, never dropped. An SMS to a number that sent
 * STOP is suppressed, except the confirmation of that STOP.
 */
export class OutboxRelay {
  constructor(private readonly deps: OutboxRelayDeps) {}

  /** Delivers the given rows now, in order; a failure is recorded and left for a later pass. */
  async deliver(ids: readonly string[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const id of ids) outcomes.push(await this.deliverOne(id, false));
    return outcomes;
  }

  /** One delivery attempt for a queue worker: throws RetryLater while attempts remain. */
  async attempt(id: string): Promise<DeliveryOutcome> {
    return this.deliverOne(id, true);
  }

  /** Delivers every pending row of the channels this process has, oldest first (after a restart, say). */
  async drainPending(limit = 100): Promise<number> {
    const rows = await this.pendingIds(limit);
    await this.deliver(rows.map((r) => r.id));
    return rows.length;
  }

  /** Pending rows of this process's channels, oldest first, optionally only those older than a moment. */
  async pendingIds(limit = 100, olderThan?: Date): Promise<Array<{ id: string; channel: keyof ChannelSenders }>> {
    const channels = Object.keys(this.deps.senders) as Array<keyof ChannelSenders>;
    if (channels.length === 0) return [];
    return this.deps.prisma.outboxMessage.findMany({
      where: { status: 'pending', channel: { in: channels }, ...(olderThan ? { createdAt: { lt: olderThan } } : {}) },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true, channel: true },
    });
  }

  private async deliverOne(id: string, throwToRetry: boolean): Promise<DeliveryOutcome> {
    const { prisma, senders, translator, logger } = this.deps;
    const row = await prisma.outboxMessage.findUnique({ where: { id }, include: { citizen: true } });
    if (!row || row.status !== 'pending') return 'skipped';
    const sender = senders[row.channel];
    if (!sender) return 'skipped';
    const now = this.deps.clock();
    const quiet = this.deps.quietHours;
    if (quiet && row.channel === 'sms' && row.kind === 'notification' && !row.urgent) {
      const until = quietUntil(now, quiet, quiet.timeZone);
      if (until) {
        if (throwToRetry) throw new DeferUntil(until);
        return 'deferred';
      }
    }
    // Claim the row: of two relays reaching it at once, only one sends. A claim older than
    // CLAIM_TTL_MS belongs to a process that died mid-send and may be taken over.
    const claim = await prisma.outboxMessage.updateMany({
      where: {
        id,
        status: 'pending',
        OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - CLAIM_TTL_MS) } }],
      },
      data: { claimedAt: now },
    });
    if (claim.count === 0) return 'skipped';
    if (row.channel === 'sms' && row.citizen?.smsOptOut && row.kind !== 'optOutConfirmation') {
      await prisma.outboxMessage.update({ where: { id }, data: { status: 'suppressed', claimedAt: null } });
      return 'suppressed';
    }
    const replies = (row.replies as unknown as Reply[]).map((r) => translator.render(row.language, r));
    try {
      const { providerMessageId } = await sender.send({
        id: row.id,
        channel: row.channel,
        address: row.address,
        lang: row.language,
        replies,
        urgent: row.urgent,
      });
      await prisma.outboxMessage.update({
        where: { id },
        data: {
          status: 'sent',
          claimedAt: null,
          attempts: { increment: 1 },
          sentAt: this.deps.clock(),
          providerMessageId: providerMessageId ?? null,
        },
      });
      return 'sent';
    } catch (error) {
      const attempts = row.attempts + 1;
      const failed = attempts >= this.deps.maxAttempts;
      const reason = String((error as Error).message ?? error).slice(0, 500);
      await prisma.outboxMessage.update({
        where: { id },
        data: { attempts, lastError: reason, status: failed ? 'failed' : 'pending', claimedAt: null },
      });
      logger.warn(
        { outboxId: id, channel: row.channel, address: row.address, attempts, failed },
        'outbound send failed',
      );
      if (!failed && throwToRetry) throw new RetryLater(reason);
      return failed ? 'failed' : 'retry';
    }
  }
}
