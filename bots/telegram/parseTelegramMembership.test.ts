import { describe, expect, it } from 'vitest';
import { parseTelegramMembership } from './parseTelegramMembership.js';

// Shapes of the Bot API's ChatMemberUpdated (https://core.telegram.org/bots/api#chatmemberupdated).
const update = (chat: Record<string, unknown>, status: unknown) => ({
  update_id: 1,
  my_chat_member: {
    chat,
    from: { id: 42, is_bot: false, first_name: 'Sari' },
    date: 1795838400,
    old_chat_member: { user: { id: 7000000001, is_bot: true, first_name: 'LayanKota' }, status: 'member' },
    new_chat_member: { user: { id: 7000000001, is_bot: true, first_name: 'LayanKota' }, status, until_date: 0 },
  },
});
const PRIVATE = { id: 42, first_name: 'Sari', type: 'private' };

describe('parseTelegramMembership', () => {
  it.each([
    { label: 'blocked in a private chat', body: update(PRIVATE, 'kicked'), expected: { address: '42', blocked: true } },
    { label: 'started again', body: update(PRIVATE, 'member'), expected: { address: '42', blocked: false } },
    { label: 'a group', body: update({ id: -100123, type: 'supergroup', title: 'RT 05' }, 'kicked'), expected: null },
    { label: 'another status', body: update(PRIVATE, 'administrator'), expected: null },
    { label: 'a status that is no string', body: update(PRIVATE, ['kicked']), expected: null },
    { label: 'a chat id that is no integer', body: update({ ...PRIVATE, id: '42' }, 'kicked'), expected: null },
    { label: 'a message update', body: { update_id: 2, message: { chat: PRIVATE, text: 'x' } }, expected: null },
  ])('$label', ({ body, expected }) => {
    expect(parseTelegramMembership(body)).toEqual(expected);
  });
});
