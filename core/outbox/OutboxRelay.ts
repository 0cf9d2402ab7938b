import type { ChannelSenders } from '../channels/ChannelSender.js';
import type { Reply } from '../conversation/types.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Translator } from '../i18n/createTranslator.js';
import type { Logger } from '../log/createLogger.js';

export interface OutboxRelayDeps {
  prisma: PrismaClient;
  senders: ChannelSenders;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /** Attempts before a row is marked failed (it stays visible to operators). */
  maxAttempts: number;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'retry' | 'skipped';

/**
 * Delivers outbox rows through the channel senders this process has. A row whose channel this
 * process lacks is left pending for a process that has it; a failed send is retried until
 * `maxAttempts`, then the row is marked failed, never dropped.
 */
export class OutboxRelay {
  constructor(private readonly deps: OutboxRelayDeps) {}

  /** Delivers the given rows, in order. */
  async deliver(ids: readonly string[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const id of ids) outcomes.push(await this.deliverOne(id));
    return outcomes;
  }

  /** Delivers every pending row of the channels this process has, oldest first (after a restart, say). */
  async drainPending(limit = 100): Promise<number> {
    const channels = Object.keys(this.deps.senders) as Array<keyof ChannelSenders>;
    if (channels.length === 0) return 0;
    const rows = await this.deps.prisma.outboxMessage.findMany({
      where: { status: 'pending', channel: { in: channels } },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    await this.deliver(rows.map((r) => r.id));
    return rows.length;
  }

  private async deliverOne(id: string): Promise<DeliveryOutcome> {
    const { prisma, senders, translator, logger } = this.deps;
    const row = await prisma.outboxMessage.findUnique({ where: { id } });
    if (!row || row.status !== 'pending') return 'skipped';
    const sender = senders[row.channel];
    if (!sender) return 'skipped';
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
          attempts: { increment: 1 },
          sentAt: this.deps.clock(),
          providerMessageId: providerMessageId ?? null,
        },
      });
      return 'sent';
    } catch (error) {
      const attempts = row.attempts + 1;
      const failed = attempts >= this.deps.maxAttempts;
      await prisma.outboxMessage.update({
        where: { id },
        data: {
          attempts,
          lastError: String((error as Error).message ?? error).slice(0, 500),
          status: failed ? 'failed' : 'pending',
        },
      });
      logger.warn(
        { outboxId: id, channel: row.channel, address: row.address, attempts, failed },
        'outbound send failed',
      );
      return failed ? 'failed' : 'retry';
    }
  }
}
