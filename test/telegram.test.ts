import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLedger } from '../core/pbb/importLedger.js';
import { fakeFileBytes, FakeTelegramApi, type TelegramApiCall } from './support/fakeTelegramApi.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

// The Telegram channel end to end: the whole app (PostgreSQL, Redis, BullMQ, express), the real
// telegraf client long-polling or called by webhook, against a local fake of the Bot API.

const TOKEN = '7000000001:AAHfakeTokenForLayanKotaTests_0123456789';
const TOKEN_SECRET_PART = TOKEN.split(':')[1] ?? TOKEN;
const WEBHOOK_SECRET = 'tg-webhook-secret_0123456789';
const TWILIO_TOKEN = 'test-auth-token-0123456789abcdef';
const TWILIO_SID = `AC${'2'.repeat(32)}`;
const NOP = '12.75.040.003.009-1555.0';
const DATE = 1795838400;

let updateId = 900_000_000;
let queryId = 0;

const citizen = (chatId: number) => ({ id: chatId, is_bot: false, first_name: 'Siti', language_code: 'id' });
const privateChat = (chatId: number) => ({ id: chatId, first_name: 'Siti', type: 'private' });

/** A Bot API update of a citizen writing in their private chat. */
function messageUpdate(chatId: number, content: Record<string, unknown>, id = ++updateId) {
  return {
    update_id: id,
    message: { message_id: id % 100_000, from: citizen(chatId), chat: privateChat(chatId), date: DATE, ...content },
  };
}
const textUpdate = (chatId: number, text: string) =>
  messageUpdate(
    chatId,
    text.startsWith('/')
      ? { text, entities: [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] }
      : { text },
  );
/** A press on an inline button of one of the bot's messages. */
function buttonUpdate(chatId: number, data: string) {
  return {
    update_id: ++updateId,
    callback_query: {
      id: String(4_400_000_000_000 + ++queryId),
      from: citizen(chatId),
      message: {
        message_id: 1,
        from: { id: 7000000001, is_bot: true, first_name: 'LayanKota' },
        chat: privateChat(chatId),
        date: DATE,
        text: '...',
      },
      chat_instance: '-5312263347227355001',
      data,
    },
  };
}

type InlineKeyboard = Array<Array<{ text: string; callback_data: string }>>;
const textOf = (calls: TelegramApiCall[]) => calls.map((c) => String(c.params.text)).join('\n');
const buttonsOf = (calls: TelegramApiCall[]) =>
  calls.flatMap((c) =>
    ((c.params.reply_markup as { inline_keyboard?: InlineKeyboard } | undefined)?.inline_keyboard ?? []).flat(),
  );

/** Helpers over one running app and its fake Bot API. */
function chat(app: () => TestApp, api: FakeTelegramApi) {
  const prisma = () => app().core.db.prisma;
  /** Waits until an update has been handled and every reply to its chat has left the outbox. */
  async function settled(update: { update_id: number }, chatId: number) {
    await eventually(() =>
      prisma().processedInbound.findUnique({
        where: { channel_externalId: { channel: 'telegram', externalId: `tg-${update.update_id}` } },
      }),
    );
    await eventually(
      async () => (await prisma().outboxMessage.count({ where: { address: String(chatId), status: 'pending' } })) === 0,
    );
  }
  /** Delivers an update by long polling and returns the messages the bot sent in answer. */
  async function poll(update: { update_id: number }, chatId: number): Promise<TelegramApiCall[]> {
    const before = api.callsOf('sendMessage', chatId).length;
    api.queueUpdate(update);
    await settled(update, chatId);
    return api.callsOf('sendMessage', chatId).slice(before);
  }
  return { prisma, settled, poll };
}

describe('Telegram by long polling: real telegraf against a local fake of the Bot API', () => {
  const api = new FakeTelegramApi(TOKEN);
  const twilio = new FakeTwilioApi();
  let app: TestApp;
  const { prisma, poll } = chat(() => app, api);

  beforeAll(async () => {
    await Promise.all([api.start(), twilio.start()]);
    app = await startApp(
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: api.baseUrl,
        TELEGRAM_RATE_PER_SECOND: '50',
        // Linking a Telegram chat to a citizen who wrote by SMS needs the SMS channel too.
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TWILIO_SID,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        TWILIO_FROM: '+15005550006',
        INBOUND_FLOOD_PER_MINUTE: '100',
        OUTBOX_MAX_ATTEMPTS: '3',
        OUTBOX_RETRY_BASE_MS: '100',
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    await importLedger(app.core.db.prisma, createReadStream('city/default/pbb-sppt-demo.csv'));
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([api.stop(), twilio.stop()]);
  });

  it('connects with getMe, drops any webhook and long-polls only messages and button presses', () => {
    expect(api.callsOf('getMe')).toHaveLength(1);
    expect(api.callsOf('deleteWebhook')).toHaveLength(1);
    expect(api.callsOf('setWebhook')).toHaveLength(0);
    expect(api.callsOf('getUpdates')[0]?.params).toMatchObject({
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
  });

  it('answers /start with the menu as an inline keyboard, then offers the "share my phone number" button', async () => {
    const sent = await poll(textUpdate(600_000_001, '/start'), 600_000_001);
    // The menu, the "share my phone number" button, then the first-contact privacy notice (UU PDP).
    expect(sent).toHaveLength(3);
    const [menu, share, notice] = sent;
    expect(String(notice?.params.text)).toContain('ketik PRIVASI');
    expect(String(menu?.params.text)).toContain('Selamat datang di LayanKota');
    expect(String(menu?.params.text)).toContain('Pilih layanan:');
    expect(buttonsOf([menu!]).map((b) => b.callback_data)).toEqual([
      'menu.permit',
      'menu.complaint',
      'menu.pbb',
      'menu.track',
      'menu.language',
      'menu.help',
    ]);
    expect(buttonsOf([menu!]).find((b) => b.callback_data === 'menu.pbb')?.text).toBe('Cek PBB');
    expect(share?.params.reply_markup).toEqual({
      keyboard: [[{ text: 'Bagikan nomor HP', request_contact: true }]],
      resize_keyboard: true,
      one_time_keyboard: true,
    });
  });

  it('looks up PBB by a button press and a typed NOP; the press is answered so the button stops spinning', async () => {
    const chatId = 600_000_002;
    await poll(textUpdate(chatId, '/start'), chatId);
    const press = buttonUpdate(chatId, 'menu.pbb');
    const asked = await poll(press, chatId);
    expect(textOf(asked)).toContain('Ketik NOP (18 digit)');
    expect(api.callsOf('answerCallbackQuery').map((c) => c.params.callback_query_id)).toContain(
      press.callback_query.id,
    );

    const bills = await poll(textUpdate(chatId, NOP), chatId);
    expect(textOf(bills)).toContain('PBB NOP 12.75.040.003.009-1555.0');
    expect(textOf(bills)).toContain('Rp636.115');
    // Telegram gets the whole bill, the total due before the years.
    expect(textOf(bills).indexOf('Total tagihan')).toBeGreaterThan(0);
    expect(textOf(bills).indexOf('Total tagihan')).toBeLessThan(textOf(bills).indexOf('2023: Rp611.264, LUNAS'));
    expect(buttonsOf(bills).map((b) => b.callback_data)).toContain('pbb.again');
  });

  it('files a SIUP by buttons, text and a photo, up to a tracking number', async () => {
    const chatId = 600_000_003;
    const press = async (data: string) => {
      const sent = await poll(buttonUpdate(chatId, data), chatId);
      return { text: textOf(sent), buttons: buttonsOf(sent).map((b) => b.callback_data) };
    };
    const say = async (content: string | Record<string, unknown>) =>
      textOf(
        await poll(typeof content === 'string' ? textUpdate(chatId, content) : messageUpdate(chatId, content), chatId),
      );

    await poll(textUpdate(chatId, '/start'), chatId);
    const catalogue = await press('menu.permit');
    expect(catalogue.buttons).toContain('permit.type:SIUP');
    const detail = await press('permit.type:SIUP');
    expect(detail.text).toContain('Surat Izin Usaha Perdagangan (SIUP)');
    expect(detail.buttons).toContain('permit.apply:SIUP');
    expect((await press('permit.apply:SIUP')).text).toContain('Ketik nama lengkap pemohon');
    expect(await say('Budi Santoso')).toContain('Ketik NIK pemohon');
    // Telegram does not vouch for a phone number the way SMS does: it is asked.
    expect(await say('3171010501900001')).toContain('Ketik nomor HP pemohon');
    expect(await say('0812-3456-7891')).toContain('Ketik alamat surel (email) pemohon');
    // The field's label inside the sentence, lower-cased.
    expect(await say('lewati')).toContain('Ketik nama usaha:');
    expect(await say('Toko Budi Jaya')).toContain('Ketik alamat usaha:');
    expect(await say('Jl. Merdeka No. 10, Kota Contoh')).toContain('Kirim foto dokumen persyaratan');
    const photo = {
      photo: [
        { file_id: 'AgACAgUAAxkBAAIBb2small', file_unique_id: 'AQADs', file_size: 1200, width: 90, height: 67 },
        { file_id: 'AgACAgUAAxkBAAIBb2large', file_unique_id: 'AQADl', file_size: 98000, width: 1280, height: 960 },
      ],
      caption: 'KTP',
    };
    expect(await say(photo)).toContain('Foto diterima (1)');
    // The largest size was fetched through getFile and kept by its content hash.
    expect(api.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['AgACAgUAAxkBAAIBb2large']);
    const sha256 = createHash('sha256').update(fakeFileBytes('photos/AgACAgUAAxkBAAIBb2large.jpg')).digest('hex');
    expect(await prisma().mediaFile.findUnique({ where: { sha256 } })).toMatchObject({ mimeType: 'image/jpeg' });
    const summary = await say('lanjut');
    expect(summary).toContain('Pemohon: Budi Santoso, NIK ************0001');
    expect(summary).toContain('Foto dokumen: 1');

    const submitted = await press('permit.submit');
    const trackingNumber = /Nomor pelacakan: (P\d{8})\./.exec(submitted.text)?.[1];
    expect(trackingNumber).toMatch(/^P\d{8}$/);
    expect(submitted.buttons).toContain(`track.this:${trackingNumber}`);
    const stored = await prisma().permitApplication.findUniqueOrThrow({
      where: { trackingNumber: trackingNumber! },
      include: { citizen: { include: { identities: true } } },
    });
    expect(stored).toMatchObject({ permitTypeCode: 'SIUP', applicantName: 'Budi Santoso', phone: '6281234567891' });
    expect(stored.citizen?.identities).toMatchObject([{ channel: 'telegram', address: String(chatId) }]);
  });

  it('handles the same update_id once, however often it is delivered', async () => {
    const chatId = 600_000_004;
    const update = textUpdate(chatId, 'bantuan');
    api.queueUpdate(update);
    expect(textOf(await poll(update, chatId))).toContain('LayanKota melayani');
    // Give a second handling, had there been one, time to send.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      api.callsOf('sendMessage', chatId).filter((c) => String(c.params.text).includes('LayanKota melayani')),
    ).toHaveLength(1);
    expect(
      await prisma().processedInbound.count({ where: { channel: 'telegram', externalId: `tg-${update.update_id}` } }),
    ).toBe(1);
    expect(app.logLines.some((l) => l.includes('duplicate inbound ignored'))).toBe(true);
  });

  it('keeps the order of messages of one chat that arrive in one poll', async () => {
    const chatId = 600_000_005;
    const pbb = textUpdate(chatId, 'pbb');
    const nop = textUpdate(chatId, NOP);
    api.queueUpdate(pbb);
    const sent = await poll(nop, chatId);
    await eventually(() => api.callsOf('sendMessage', chatId).length >= 2);
    expect(sent.length).toBeGreaterThan(0);
    const texts = api.callsOf('sendMessage', chatId).map((c) => String(c.params.text));
    expect(texts[0]).toContain('Ketik NOP');
    expect(texts.join('\n')).toContain('Rp636.115');
  });

  it('waits out a 429 with retry_after and sends the message after it', async () => {
    const chatId = 600_000_006;
    api.failNext('sendMessage', {
      kind: 'error',
      status: 429,
      description: 'Too Many Requests: retry after 1',
      retryAfter: 1,
    });
    const started = Date.now();
    const sent = await poll(textUpdate(chatId, 'bantuan'), chatId);
    expect(textOf(sent)).toContain('LayanKota melayani');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(
      api.failed.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId)),
    ).toHaveLength(1);
    // Waited in place: one delivery attempt, not an outbox retry.
    const [row] = await prisma().outboxMessage.findMany({ where: { address: String(chatId) } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries through the outbox after a network failure, and stores its error without the token', async () => {
    const chatId = 600_000_007;
    api.failNext('sendMessage', { kind: 'drop' });
    const sent = await poll(textUpdate(chatId, 'bantuan'), chatId);
    expect(textOf(sent)).toContain('LayanKota melayani');
    const [row] = await prisma().outboxMessage.findMany({ where: { address: String(chatId) } });
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(row?.lastError).toMatch(/^Telegram sendMessage: /);
    expect(row?.lastError).not.toContain(TOKEN_SECRET_PART);
  });

  it('links a Telegram chat to the citizen who wrote by SMS when they share their own phone number', async () => {
    const chatId = 600_000_008;
    const phone = '6281377770001';
    const sms = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, TWILIO_TOKEN, {
      MessageSid: `SM${'7'.repeat(32)}`,
      AccountSid: TWILIO_SID,
      From: `+${phone}`,
      To: '+15005550006',
      Body: 'bantuan',
    });
    expect(sms.status).toBe(200);
    await poll(textUpdate(chatId, '/start'), chatId);
    await poll(
      messageUpdate(chatId, { contact: { phone_number: phone, first_name: 'Siti', user_id: chatId } }),
      chatId,
    );

    const owner = await prisma().citizen.findUniqueOrThrow({ where: { phone }, include: { identities: true } });
    expect(owner.identities.map((i) => `${i.channel}:${i.address}`).sort()).toEqual([
      `sms:${phone}`,
      `telegram:${chatId}`,
    ]);
    expect(await prisma().citizen.count({ where: { phone } })).toBe(1);
    expect(await prisma().channelIdentity.count({ where: { citizenId: owner.id } })).toBe(2);
  });

  it("does not take someone else's shared contact as the chat's own number", async () => {
    const chatId = 600_000_009;
    await poll(
      messageUpdate(chatId, { contact: { phone_number: '6281377770002', first_name: 'Budi', user_id: 42 } }),
      chatId,
    );
    const identity = await prisma().channelIdentity.findUniqueOrThrow({
      where: { channel_address: { channel: 'telegram', address: String(chatId) } },
      include: { citizen: true },
    });
    expect(identity.citizen.phone).toBeNull();
  });

  it('never writes the bot token to the log', () => {
    expect(app.logLines.some((l) => l.includes('Telegram long polling started'))).toBe(true);
    expect(app.logLines.filter((l) => l.includes(TOKEN_SECRET_PART))).toEqual([]);
  });
});

describe('Telegram by webhook: the secret token header is checked before anything is read', () => {
  const api = new FakeTelegramApi(TOKEN);
  let app: TestApp;
  const { prisma, settled } = chat(() => app, api);

  const post = (update: unknown, secret: string | undefined) =>
    fetch(`${app.baseUrl}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(update),
    });

  beforeAll(async () => {
    await api.start();
    app = await startApp({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.baseUrl,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      INBOUND_FLOOD_PER_MINUTE: '100',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it('points the webhook at PUBLIC_BASE_URL/webhooks/telegram with the secret, and does not poll', () => {
    expect(api.callsOf('setWebhook')).toHaveLength(1);
    expect(api.callsOf('setWebhook')[0]?.params).toMatchObject({
      url: `${app.baseUrl}/webhooks/telegram`,
      secret_token: WEBHOOK_SECRET,
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
    expect(api.callsOf('getUpdates')).toHaveLength(0);
  });

  it('refuses a wrong or missing secret token with 403 and stores nothing', async () => {
    const before = await prisma().processedInbound.count();
    const citizens = await prisma().citizen.count();
    expect((await post(textUpdate(600_000_101, '/start'), 'not-the-secret')).status).toBe(403);
    expect((await post(textUpdate(600_000_101, '/start'), undefined)).status).toBe(403);
    expect(await prisma().processedInbound.count()).toBe(before);
    expect(await prisma().citizen.count()).toBe(citizens);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.callsOf('sendMessage')).toHaveLength(0);
  });

  it('handles an update with the right secret token, and a repeated delivery once', async () => {
    const chatId = 600_000_102;
    const start = textUpdate(chatId, '/start');
    expect((await post(start, WEBHOOK_SECRET)).status).toBe(200);
    // Telegram delivers again when it did not see our answer in time.
    expect((await post(start, WEBHOOK_SECRET)).status).toBe(200);
    await settled(start, chatId);
    const sent = api.callsOf('sendMessage', chatId);
    // Answered once: the menu, the privacy notice and the share button, not twice each.
    expect(sent).toHaveLength(3);
    expect(String(sent[0]?.params.text)).toContain('Selamat datang di LayanKota');

    const press = buttonUpdate(chatId, 'menu.help');
    expect((await post(press, WEBHOOK_SECRET)).status).toBe(200);
    await settled(press, chatId);
    expect(api.callsOf('answerCallbackQuery').map((c) => c.params.callback_query_id)).toEqual([
      press.callback_query.id,
    ]);
    expect(textOf(api.callsOf('sendMessage', chatId))).toContain('LayanKota melayani');
  });

  it('never writes the bot token or the webhook secret to the log', () => {
    expect(app.logLines.some((l) => l.includes('Telegram webhook set'))).toBe(true);
    expect(app.logLines.filter((l) => l.includes(TOKEN_SECRET_PART) || l.includes(WEBHOOK_SECRET))).toEqual([]);
  });
});
