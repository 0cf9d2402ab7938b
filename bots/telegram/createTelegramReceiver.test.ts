import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../core/conversation/types.js';
import { FakeTelegramApi } from '../../test/support/fakeTelegramApi.js';
import { eventually } from '../../test/support/startApp.js';
import { captureLogger } from '../../test/support/silentLogger.js';
import { createTelegramReceiver, type TelegramReceiver } from './createTelegramReceiver.js';

const TOKEN = '7000000001:AAHfakeTokenForReceiverTests_0123456789';
const NOW = new Date('2026-11-28T03:00:00.000Z');
let updateId = 500;

const user = (id: number) => ({ id, is_bot: false, first_name: 'Warga' });
const chat = (id: number) => ({ id, first_name: 'Warga', type: 'private' });
const text = (chatId: number, body: string) => ({
  update_id: ++updateId,
  message: { message_id: updateId, from: user(chatId), chat: chat(chatId), date: 1795838400, text: body },
});
const press = (chatId: number, data: string) => ({
  update_id: ++updateId,
  callback_query: { id: `cq-${updateId}`, from: user(chatId), chat_instance: '1', data },
});

describe('createTelegramReceiver: real telegraf long polling against a local fake of the Bot API', () => {
  let api: FakeTelegramApi;
  let receiver: TelegramReceiver | null = null;
  let log: ReturnType<typeof captureLogger>;
  const received: InboundEvent[] = [];

  const start = async (receive: (event: InboundEvent) => Promise<void>, token = TOKEN) => {
    receiver = createTelegramReceiver({ token, apiRoot: api.baseUrl, logger: log.logger, clock: () => NOW, receive });
    await receiver.startPolling();
    return receiver;
  };

  beforeEach(async () => {
    api = new FakeTelegramApi(TOKEN, 100);
    await api.start();
    log = captureLogger();
    received.length = 0;
  });
  afterEach(async () => {
    await receiver?.stop();
    receiver = null;
    await api.stop();
  });

  it('refuses to start with a token Telegram does not know, saying so without the token', async () => {
    const wrong = '7000000001:AAHsomeOtherTokenThatTelegramRejects_0';
    const error = await start(async () => undefined, wrong).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Telegram getMe: 401: Unauthorized');
    expect(log.lines.some((l) => l.includes('Telegram long polling stopped'))).toBe(true);
    expect(log.lines.filter((l) => l.includes(wrong.split(':')[1]!))).toEqual([]);
  });

  it('hands citizen updates on as events, in order per chat, answering button presses and ignoring the rest', async () => {
    await start(async (event) => {
      // The first message is slow: the second of its chat must still wait for it.
      if (event.text === 'pertama') await new Promise((resolve) => setTimeout(resolve, 100));
      received.push(event);
    });
    const button = press(11, 'menu.pbb');
    api.queueUpdate(text(11, 'pertama'));
    api.queueUpdate({
      update_id: ++updateId,
      channel_post: { message_id: 1, chat: { id: -100, type: 'channel' }, date: 1, text: 'x' },
    });
    api.queueUpdate(button);
    api.queueUpdate(text(22, 'lain'));
    await eventually(() => received.length === 3);
    expect(received.filter((e) => e.address === '11').map((e) => e.text ?? e.choice)).toEqual(['pertama', 'menu.pbb']);
    expect(received.find((e) => e.address === '22')).toMatchObject({
      channel: 'telegram',
      text: 'lain',
      receivedAt: NOW,
    });
    expect(api.callsOf('answerCallbackQuery').map((c) => c.params.callback_query_id)).toEqual([
      button.callback_query.id,
    ]);
    expect(log.lines.some((l) => l.includes('Telegram update ignored'))).toBe(true);
  });

  it('logs an update that failed and goes on polling', async () => {
    await start(async (event) => {
      if (event.text === 'rusak') throw new Error('database unavailable');
      received.push(event);
    });
    api.queueUpdate(text(33, 'rusak'));
    api.queueUpdate(text(33, 'berikutnya'));
    await eventually(() => received.length === 1);
    expect(received[0]?.text).toBe('berikutnya');
    expect(log.lines.some((l) => l.includes('Telegram update failed') && l.includes('database unavailable'))).toBe(
      true,
    );
  });

  it('passes a failure to the caller of handleUpdate, so a webhook answers 500 and Telegram retries', async () => {
    receiver = createTelegramReceiver({
      token: TOKEN,
      apiRoot: api.baseUrl,
      logger: log.logger,
      clock: () => NOW,
      receive: async () => {
        throw new Error('database unavailable');
      },
    });
    await expect(receiver.handleUpdate(text(44, 'halo'))).rejects.toThrow('database unavailable');
    await expect(receiver.handleUpdate({ update_id: ++updateId, edited_message: {} })).resolves.toBeUndefined();
  });

  it('stops polling on stop(), handling nothing after it', async () => {
    await start(async (event) => {
      received.push(event);
    });
    await receiver!.stop();
    api.queueUpdate(text(55, 'terlambat'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([]);
    expect(log.lines.some((l) => l.includes('Telegram long polling stopped'))).toBe(true);
  });
});
