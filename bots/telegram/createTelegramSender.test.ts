import { Telegram } from 'telegraf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../core/channels/ChannelSender.js';
import { RecipientOptedOut } from '../../core/channels/RecipientOptedOut.js';
import type { Lang } from '../../core/conversation/types.js';
import { createTranslator, type RenderedReply, type Translator } from '../../core/i18n/createTranslator.js';
import { FakeTelegramApi } from '../../test/support/fakeTelegramApi.js';
import { createTelegramSender } from './createTelegramSender.js';
import { TelegramCallError } from './TelegramCallError.js';

const TOKEN = '7000000001:AAHfakeTokenForSenderTests_0123456789ab';
const CHAT = '512345678';
const CITY = 'Kota Contoh';

describe('createTelegramSender: real telegraf client against a local fake of the Bot API', () => {
  const api = new FakeTelegramApi(TOKEN);
  let translator: Translator;

  const sender = (maxRetryWaitMs?: number) =>
    createTelegramSender({
      telegram: new Telegram(TOKEN, { apiRoot: `${api.baseUrl}/` }),
      translator,
      cityName: CITY,
      maxRetryWaitMs,
    });
  const message = (replies: RenderedReply[], lang: Lang = 'id'): OutboundMessage => ({
    id: 'outbox-1',
    channel: 'telegram',
    address: CHAT,
    lang,
    replies,
    urgent: false,
  });
  const sent = () => api.callsOf('sendMessage', CHAT).map((c) => c.params);

  beforeAll(async () => {
    await api.start();
    translator = await createTranslator();
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.calls.length = 0;
    api.failed.length = 0;
  });

  it('sends each reply as a message, choices as an inline keyboard two buttons a row', async () => {
    const result = await sender().send(
      message([
        { text: 'Dibatalkan.', options: [] },
        {
          text: 'Pilih layanan:',
          options: [
            { id: 'menu.permit', label: 'Ajukan izin' },
            { id: 'menu.complaint', label: 'Pengaduan' },
            { id: 'menu.pbb', label: 'Cek PBB' },
          ],
        },
      ]),
    );
    expect(sent()).toEqual([
      { chat_id: CHAT, text: 'Dibatalkan.' },
      {
        chat_id: CHAT,
        text: 'Pilih layanan:',
        reply_markup: {
          inline_keyboard: [
            [
              { text: 'Ajukan izin', callback_data: 'menu.permit' },
              { text: 'Pengaduan', callback_data: 'menu.complaint' },
            ],
            [{ text: 'Cek PBB', callback_data: 'menu.pbb' }],
          ],
        },
      },
    ]);
    expect(result.providerMessageId).toMatch(/^\d+,\d+$/);
  });

  it.each([
    { lang: 'id' as const, button: 'Bagikan nomor HP' },
    { lang: 'en' as const, button: 'Share my phone number' },
  ])('follows the welcome with a one-time "share my phone number" button in $lang', async ({ lang, button }) => {
    const welcome = translator.t(lang, { key: 'menu.welcome', params: { city: CITY } });
    await sender().send(
      message([{ text: `${welcome}\nPilih layanan:`, options: [{ id: 'menu.pbb', label: 'PBB' }] }], lang),
    );
    expect(sent()).toHaveLength(2);
    expect(sent()[1]).toEqual({
      chat_id: CHAT,
      text: translator.t(lang, { key: 'telegram.sharePhone.prompt' }),
      reply_markup: {
        keyboard: [[{ text: button, request_contact: true }]],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
  });

  it('does not offer the button with any other menu', async () => {
    await sender().send(
      message([{ text: 'Dibatalkan.\nPilih layanan:', options: [{ id: 'menu.pbb', label: 'PBB' }] }]),
    );
    expect(sent()).toHaveLength(1);
  });

  it('cuts a text longer than 4096 characters at line breaks, the keyboard on the last piece', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `${String(i + 1).padStart(3, '0')} ${'x'.repeat(40)}`);
    const text = lines.join('\n'); // 150 x 45 - 1 = 6749 characters
    await sender().send(message([{ text, options: [{ id: 'nav.menu', label: 'Menu utama' }] }]));
    const pieces = sent();
    expect(pieces).toHaveLength(2);
    for (const piece of pieces) expect(String(piece.text).length).toBeLessThanOrEqual(4096);
    expect(pieces.map((p) => String(p.text)).join('\n')).toBe(text);
    expect(pieces[0]).not.toHaveProperty('reply_markup');
    expect(pieces[1]).toHaveProperty('reply_markup.inline_keyboard');
  });

  it('cuts a text without line breaks or spaces hard, losing nothing', async () => {
    const text = 'a'.repeat(9000);
    await sender().send(message([{ text, options: [] }]));
    expect(sent().map((p) => String(p.text).length)).toEqual([4096, 4096, 808]);
  });

  it('waits out a 429 and tries once more', async () => {
    api.failNext('sendMessage', {
      kind: 'error',
      status: 429,
      description: 'Too Many Requests: retry after 0',
      retryAfter: 0,
    });
    await sender().send(message([{ text: 'Halo', options: [] }]));
    expect(api.failed).toHaveLength(1);
    expect(sent()).toEqual([{ chat_id: CHAT, text: 'Halo' }]);
  });

  it('gives up after the one retry, with an error that carries the delay', async () => {
    for (let i = 0; i < 2; i++) {
      api.failNext('sendMessage', {
        kind: 'error',
        status: 429,
        description: 'Too Many Requests: retry after 0',
        retryAfter: 0,
      });
    }
    const error = await sender()
      .send(message([{ text: 'Halo', options: [] }]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramCallError);
    expect(error).toMatchObject({ code: 429, retryAfterMs: 0 });
    expect(api.failed).toHaveLength(2);
  });

  it('does not wait out a retry_after longer than its limit: the outbox retries later', async () => {
    api.failNext('sendMessage', {
      kind: 'error',
      status: 429,
      description: 'Too Many Requests: retry after 60',
      retryAfter: 60,
    });
    const started = Date.now();
    const error = await sender(5_000)
      .send(message([{ text: 'Halo', options: [] }]))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ name: 'TelegramCallError', code: 429, retryAfterMs: 60_000 });
    expect((error as Error).message).toBe('Telegram sendMessage: 429: Too Many Requests: retry after 60');
  });

  it('reports a refusal and a network failure without the token', async () => {
    // A 403 that is no opt-out: a user who never started the bot.
    api.failNext('sendMessage', {
      kind: 'error',
      status: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    const refused = await sender()
      .send(message([{ text: 'Halo', options: [] }]))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TelegramCallError);
    expect(refused).toMatchObject({ code: 403, retryAfterMs: undefined });
    expect((refused as Error).message).toBe(
      "Telegram sendMessage: 403: Forbidden: bot can't initiate conversation with a user",
    );

    // A user who blocked the bot: an opt-out, for the outbox to record (no retry).
    api.failNext('sendMessage', { kind: 'error', status: 403, description: 'Forbidden: bot was blocked by the user' });
    const blocked = await sender()
      .send(message([{ text: 'Halo', options: [] }]))
      .catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(RecipientOptedOut);
    expect(blocked).toMatchObject({
      reason: 'telegram-blocked',
      message: 'Telegram sendMessage: 403: Forbidden: bot was blocked by the user',
    });

    api.failNext('sendMessage', { kind: 'drop' });
    const dropped = await sender()
      .send(message([{ text: 'Halo', options: [] }]))
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(TelegramCallError);
    expect((dropped as Error).message).toMatch(/^Telegram sendMessage: /);
    expect((dropped as Error).message).not.toContain(TOKEN.split(':')[1]);
  });
});
