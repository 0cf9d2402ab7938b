import { recordOf, stringOf } from '../readNative.js';

/** A citizen blocking the bot in their private chat, or starting it again. */
export interface TelegramMembershipChange {
  /** The private chat's id: the citizen's Telegram address. */
  address: string;
  /** True when they blocked the bot (the bot's new status `kicked`); false when it is a `member` again. */
  blocked: boolean;
}

/**
 * A `my_chat_member` update (Bot API ChatMemberUpdated, https://core.telegram.org/bots/api#chatmemberupdated)
 * about the bot in a private chat: the user blocked it (new_chat_member.status `kicked`) or
 * unblocked and restarted it (`member`). Null for anything else: group and channel membership,
 * other statuses, other updates.
 * @example parseTelegramMembership({ update_id: 9, my_chat_member: { chat: { id: 42, type: 'private' }, new_chat_member: { status: 'kicked' } } })
 *   // { address: '42', blocked: true }
 */
export function parseTelegramMembership(body: unknown): TelegramMembershipChange | null {
  const change = recordOf(recordOf(body)?.my_chat_member);
  const chat = recordOf(change?.chat);
  if (!chat || chat.type !== 'private' || !Number.isSafeInteger(chat.id)) return null;
  const status = stringOf(recordOf(change?.new_chat_member)?.status, 40);
  if (status !== 'kicked' && status !== 'member') return null;
  return { address: String(chat.id as number), blocked: status === 'kicked' };
}
