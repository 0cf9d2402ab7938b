import type { ChannelName, Lang, Reply } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';

export interface Notification {
  channel: ChannelName;
  address: string;
  language: Lang;
  replies: Reply[];
  citizenId?: string | null;
  officerId?: string | null;
  /** Urgent notifications go out by SMS even in quiet hours. */
  urgent?: boolean;
  /**
   * Part of a conversation the citizen is having (an officer's answer to them), not a notice: it
   * is stored as a reply, which quiet hours never hold.
   */
  conversation?: boolean;
  /** Not sent before this moment (a status notice waiting for changes to gather). */
  notBefore?: Date | undefined;
}

/** Writes a notification as an outbox row in the caller's transaction; returns its id. */
export async function writeNotification(
  tx: Prisma.TransactionClient,
  n: Notification,
): Promise<{ id: string; channel: ChannelName }> {
  const row = await tx.outboxMessage.create({
    data: {
      channel: n.channel,
      address: n.address,
      language: n.language,
      replies: n.replies as unknown as Prisma.InputJsonValue,
      kind: n.conversation ? 'reply' : 'notification',
      urgent: n.urgent ?? false,
      citizenId: n.citizenId ?? null,
      officerId: n.officerId ?? null,
      nextAttemptAt: n.notBefore ?? null,
    },
    select: { id: true },
  });
  return { id: row.id, channel: n.channel };
}
