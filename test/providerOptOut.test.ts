import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCaseNames, listCases } from '../app/commandCenter/caseList.js';
import { handleOfficerMessage } from '../core/officers/handleOfficerMessage.js';
import { writeNotification } from '../core/notify/writeNotification.js';
import { FakeTelegramApi } from './support/fakeTelegramApi.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { fileComplaint } from './support/fileComplaint.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

// Opt-outs the provider reports, through the whole app: Twilio's 21610 on a send and in a status
// callback, a Telegram user blocking the bot (my_chat_member, or a send refused with 403). Each is
// recorded on the identity, nothing more is sent there, officers see it, and the citizen lifts it
// by writing again.

const AUTH_TOKEN = 'optout-twilio-auth-token-5c2e8a11';
const PUBLIC_BASE_URL = 'https://layanan.kota.example';
const TOKEN = '7000000001:AAoptoutTestTokenNeverLogged0123456';
const WEBHOOK_SECRET = 'optout-webhook-secret-9f1c';

/**
 * A Bot API ChatMemberUpdated about the bot in a private chat, as documented at
 * https://core.telegram.org/bots/api#chatmemberupdated: `kicked` (ChatMemberBanned) when the user
 * blocks the bot, `member` (ChatMemberMember) when they restart it.
 */
const membership = (updateId: number, chatId: number, from: string, to: string) => ({
  update_id: updateId,
  my_chat_member: {
    chat: { id: chatId, first_name: 'Sari', type: 'private' },
    from: { id: chatId, is_bot: false, first_name: 'Sari', language_code: 'id' },
    date: 1795838400,
    old_chat_member: { user: { id: 7000000001, is_bot: true, first_name: 'LayanKota' }, status: from },
    new_chat_member: {
      user: { id: 7000000001, is_bot: true, first_name: 'LayanKota' },
      status: to,
      ...(to === 'kicked' ? { until_date: 0 } : {}),
    },
  },
});
const textUpdate = (updateId: number, chatId: number, text: string) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    from: { id: chatId, is_bot: false, first_name: 'Sari', language_code: 'id' },
    chat: { id: chatId, first_name: 'Sari', type: 'private' },
    date: 1795838400,
    text,
  },
});

describe('opt-outs the provider reports', () => {
  const sms = new FakeTwilioApi();
  const telegram = new FakeTelegramApi(TOKEN);
  let app: TestApp;
  let serial = 0;
  const prisma = () => app.core.db.prisma;

  beforeAll(async () => {
    await Promise.all([sms.start(), telegram.start()]);
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'6'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        PUBLIC_BASE_URL,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: telegram.baseUrl,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        OUTBOX_MAX_ATTEMPTS: '3',
        OUTBOX_RETRY_BASE_MS: '100',
      },
      { twilioHttpClient: sms.httpClient() },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([sms.stop(), telegram.stop()]);
  });

  /** Posts a form to a Twilio webhook of the app, signed for its public URL. */
  const postTwilio = async (path: string, form: Record<string, string>) => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, form);
    const response = await postSignedTwilio(`${app.baseUrl}${path}`, AUTH_TOKEN, form, signature);
    expect(response.ok).toBe(true);
  };
  const textBySms = (from: string, body: string) =>
    postTwilio('/webhooks/twilio/sms', {
      MessageSid: `SMin${String(++serial).padStart(28, '0')}`,
      AccountSid: `AC${'6'.repeat(32)}`,
      From: from,
      To: '+15005550006',
      Body: body,
      NumMedia: '0',
    });
  const postTelegram = async (update: unknown) => {
    const response = await fetch(`${app.baseUrl}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(200);
  };
  const identity = (channel: 'sms' | 'telegram', address: string) =>
    prisma().channelIdentity.findUniqueOrThrow({
      where: { channel_address: { channel, address } },
      include: { citizen: true },
    });
  /** The outbox rows to an address once none is pending any more, oldest first. */
  const settledRows = async (address: string, count: number) =>
    eventually(async () => {
      const rows = await prisma().outboxMessage.findMany({ where: { address }, orderBy: { seq: 'asc' } });
      return rows.length >= count && rows.every((r) => r.status !== 'pending') ? rows : null;
    });

  it('Twilio refusing a send with 21610: the row fails once, unretried, and the number is opted out like STOP', async () => {
    const number = '+6281300021610';
    sms.unsubscribed.add(number);
    await textBySms(number, 'menu');
    const [reply] = await settledRows('6281300021610', 1);
    expect(reply).toMatchObject({ status: 'failed', attempts: 1 });
    expect(reply?.lastError).toContain('21610');
    expect(await identity('sms', '6281300021610')).toMatchObject({
      optOutReason: 'twilio-21610',
      citizen: { smsOptOut: true },
    });
    expect(app.logLines.some((l) => l.includes('opt-out reported by the provider recorded'))).toBe(true);

    // Anything but START is still refused by Twilio: the app sends nothing, the row says why.
    const refusedBefore = sms.refused;
    await textBySms(number, 'pbb');
    const rows = await settledRows('6281300021610', 2);
    expect(rows[1]?.status).toBe('suppressed');
    expect(sms.refused).toBe(refusedBefore);

    // START re-subscribes the number at Twilio, and lifts the opt-out here.
    sms.unsubscribed.delete(number);
    await textBySms(number, 'START');
    const after = await settledRows('6281300021610', 3);
    expect(after[2]?.status).toBe('sent');
    expect(await identity('sms', '6281300021610')).toMatchObject({
      optedOutAt: null,
      optOutReason: null,
      citizen: { smsOptOut: false },
    });
  });

  it('a status callback with ErrorCode 21610 opts the number out', async () => {
    const number = '+6281300021611';
    await textBySms(number, 'menu');
    const [reply] = await settledRows('6281300021611', 1);
    expect(reply?.status).toBe('sent');
    // The fields of Twilio's status callback for an undelivered message
    // (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status).
    await postTwilio('/webhooks/twilio/status', {
      AccountSid: `AC${'6'.repeat(32)}`,
      ApiVersion: '2010-04-01',
      ErrorCode: '21610',
      From: '+15005550006',
      MessageSid: reply?.providerMessageId ?? '',
      MessageStatus: 'undelivered',
      SmsSid: reply?.providerMessageId ?? '',
      SmsStatus: 'undelivered',
      To: number,
    });
    const found = await eventually(async () => {
      const i = await identity('sms', '6281300021611');
      return i.optedOutAt ? i : null;
    });
    expect(found).toMatchObject({ optOutReason: 'twilio-21610', citizen: { smsOptOut: true } });
  });

  /** Writes a notification to a Telegram chat, dispatches it, and waits for it to be suppressed. */
  const notifySuppressed = async (address: string, citizenId: string) => {
    const row = await prisma().$transaction((tx) =>
      writeNotification(tx, {
        channel: 'telegram',
        address,
        language: 'id',
        citizenId,
        replies: [{ lines: [{ key: 'help.body' }] }],
      }),
    );
    await app.runtime.dispatcher.dispatch([row]);
    await eventually(
      async () => (await prisma().outboxMessage.findUnique({ where: { id: row.id } }))?.status === 'suppressed',
    );
  };

  describe('a Telegram user blocking the bot', () => {
    const chatId = 555000101;
    const address = String(chatId);
    let trackingNumber = '';

    it('is recorded on the identity, and a notification there is suppressed', async () => {
      await postTelegram(textUpdate(9001, chatId, '/start'));
      await settledRows(address, 1);
      await postTelegram(membership(9002, chatId, 'member', 'kicked'));
      const blocked = await identity('telegram', address);
      expect(blocked).toMatchObject({ optOutReason: 'telegram-blocked' });
      expect(blocked.optedOutAt).toBeInstanceOf(Date);

      const sentBefore = telegram.callsOf('sendMessage', chatId).length;
      await notifySuppressed(address, blocked.citizenId);
      expect(telegram.callsOf('sendMessage', chatId)).toHaveLength(sentBefore);
    });

    it('is shown to officers: in the case timeline and in the Command Center case data', async () => {
      const { citizenId } = await identity('telegram', address);
      const filed = await fileComplaint(prisma(), app.core.city, {
        citizenId,
        categoryCode: 'lampu',
        description: 'Lampu jalan mati di depan sekolah',
        place: 'Jl. Merdeka 1',
        now: app.clock.now,
      });
      trackingNumber = filed.trackingNumber;
      const officer = await prisma().officer.create({
        data: {
          name: 'Budi Santoso',
          role: 'officer',
          departmentCode: 'PUPR',
          channel: 'telegram',
          address: '555000199',
        },
      });
      const { replies } = await handleOfficerMessage(
        { prisma: prisma(), city: app.core.city, logger: app.core.logger, clock: () => app.clock.now },
        officer,
        `/riwayat ${trackingNumber}`,
      );
      const text = replies.map((r) => app.core.translator.render('id', r).text).join('\n');
      expect(text).toMatch(/Tidak menerima pesan lewat Telegram sejak .+: warga memblokir bot\./);

      const { cases: board } = await listCases(prisma(), {
        departments: null,
        now: app.clock.now,
        q: trackingNumber,
        lang: 'id',
        translator: app.core.translator,
        names: cityCaseNames(app.core.city),
        zone: { timeZone: 'Asia/Jakarta', label: 'WIB' },
      });
      const shown = board.find((c) => c.trackingNumber === trackingNumber);
      expect(shown?.optedOut).toEqual([
        { channel: 'telegram', since: expect.any(String) as string, reason: 'telegram-blocked' },
      ]);
    });

    it('is lifted when the citizen writes again, and their reply goes out', async () => {
      await postTelegram(textUpdate(9003, chatId, 'menu'));
      await eventually(async () => (await identity('telegram', address)).optedOutAt === null);
      const rows = await settledRows(address, 3);
      expect(rows.at(-1)?.status).toBe('sent');
      expect(app.logLines.some((l) => l.includes('opt-out lifted: the citizen wrote'))).toBe(true);
    });

    it('is lifted when they start the bot again (member)', async () => {
      await postTelegram(membership(9004, chatId, 'member', 'kicked'));
      expect((await identity('telegram', address)).optOutReason).toBe('telegram-blocked');
      await postTelegram(membership(9005, chatId, 'kicked', 'member'));
      expect(await identity('telegram', address)).toMatchObject({ optedOutAt: null, optOutReason: null });
    });

    // Telegram's answer to a send to a user who blocked the bot (or deleted their account): the
    // Bot API's error body, `{"ok":false,"error_code":403,"description":"Forbidden: bot was
    // blocked by the user"}` (descriptions as the Bot API server words them, tdlib/telegram-bot-api
    // Client.cpp; error bodies as documented at https://core.telegram.org/bots/api#making-requests).
    it.each([
      ['Forbidden: bot was blocked by the user', 555000201],
      ['Forbidden: user is deactivated', 555000202],
    ])(
      'a send refused with 403 "%s": the row fails once, unretried, and the identity is opted out',
      async (said, id) => {
        const chat = String(id);
        telegram.failNext('sendMessage', { kind: 'error', status: 403, description: said });
        await postTelegram(textUpdate(9100 + (id % 100), id, '/start'));
        const [reply] = await settledRows(chat, 1);
        expect(reply).toMatchObject({ status: 'failed', attempts: 1 });
        expect(reply?.lastError).toContain(said);
        const blocked = await identity('telegram', chat);
        expect(blocked.optOutReason).toBe('telegram-blocked');
        expect(blocked.optedOutAt).toBeInstanceOf(Date);
        // One refused call, none after it: the real telegraf client got the 403 and nothing retried.
        expect(telegram.failed.filter((c) => String(c.params.chat_id) === chat)).toHaveLength(1);
        expect(telegram.callsOf('sendMessage', id)).toHaveLength(0);

        // A later notification there is suppressed, without a call.
        await notifySuppressed(chat, blocked.citizenId);
        expect(telegram.callsOf('sendMessage', id)).toHaveLength(0);
        expect(telegram.failed.filter((c) => String(c.params.chat_id) === chat)).toHaveLength(1);
      },
    );

    it('a group the bot is removed from is no citizen opting out', async () => {
      const before = await prisma().channelIdentity.count({ where: { optedOutAt: { not: null } } });
      await postTelegram({
        ...membership(9006, -1001914618483, 'member', 'kicked'),
        my_chat_member: {
          ...membership(9006, -1001914618483, 'member', 'kicked').my_chat_member,
          chat: { id: -1001914618483, title: 'Warga RT 05', type: 'supergroup' },
        },
      });
      expect(await prisma().channelIdentity.count({ where: { optedOutAt: { not: null } } })).toBe(before);
    });
  });
});
