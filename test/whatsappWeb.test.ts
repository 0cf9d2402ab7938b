import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client, Message, MessageContent } from 'whatsapp-web.js';
import { receiveInbound } from '../app/receiveInbound.js';
import { createWhatsAppWebClient } from '../bots/whatsapp/web/createWhatsAppWebClient.js';
import { listenWhatsAppWeb } from '../bots/whatsapp/web/listenWhatsAppWeb.js';
import { importLedger } from '../core/pbb/importLedger.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { webMessage, type WebMessageData } from './support/whatsappWebMessage.js';

const CITY = '6281199990000';
const CITIZEN = '6281234567890';
const NIK = '3171010501900001';
const TWILIO = { sid: `AC${'2'.repeat(32)}`, token: 'test-auth-token-whatsapp-0123', from: '+15005550006' };
let serial = 0;

/** The page data of a message the citizen (or someone else) sends to the city's number. */
function incoming(body: string, over: Partial<WebMessageData> = {}, from = `${CITIZEN}@c.us`): WebMessageData {
  const id = `3EB0${String(++serial).padStart(16, '0')}`;
  return {
    id: { fromMe: false, remote: from, id, _serialized: `false_${from}_${id}` },
    type: 'chat',
    t: Math.floor(Date.now() / 1000),
    notifyName: 'Darma',
    from,
    to: `${CITY}@c.us`,
    body,
    ack: 1,
    isNewMsg: true,
    star: false,
    broadcast: false,
    isForwarded: false,
    mentionedJidList: [],
    links: [],
    ...over,
  };
}

describe('WhatsApp Web: a real whatsapp-web.js Client, never initialized, driven through its events', () => {
  let app: TestApp;
  let client: Client;
  let stopListening: () => void;
  const sent: Array<{ chatId: string; text: string }> = [];
  const twilio = new FakeTwilioApi();

  /** What the citizen's phone would show: the texts sent to one chat, in order. */
  const textsTo = (chatId: string) => sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  const say = (data: WebMessageData) => client.emit('message', webMessage(client, data));

  beforeAll(async () => {
    client = createWhatsAppWebClient({
      sessionDir: path.join(tmpdir(), 'lk-wa-never-initialized'),
      chromiumPath: '/usr/bin/chromium',
    });
    // sendMessage drives the WhatsApp Web page: the network edge, recorded here.
    client.sendMessage = async (chatId: string, content: MessageContent): Promise<Message> => {
      const text = String(content);
      sent.push({ chatId, text });
      const id = `3EB1${String(sent.length).padStart(16, '0')}`;
      return webMessage(client, {
        id: { fromMe: true, remote: chatId, id, _serialized: `true_${chatId}_${id}` },
        type: 'chat',
        from: `${CITY}@c.us`,
        to: chatId,
        body: text,
      });
    };
    await twilio.start();
    // SMS on too, to follow a case across channels from the same number.
    app = await startApp(
      {
        WHATSAPP_MODE: 'web',
        CHROMIUM_PATH: '/usr/bin/chromium',
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TWILIO.sid,
        TWILIO_AUTH_TOKEN: TWILIO.token,
        TWILIO_FROM: TWILIO.from,
        SMS_RATE_PER_SECOND: '50',
        OUTBOX_RETRY_BASE_MS: '100',
      },
      { twilioHttpClient: twilio.httpClient() },
      { whatsappWebClient: client },
    );
    await importLedger(app.core.db.prisma, createReadStream('city/default/pbb-sppt-demo.csv'));
    // As the bot role wires it (app/startWhatsAppWebBot.ts), without starting the browser.
    stopListening = listenWhatsAppWeb(client, {
      onInbound: (event) => receiveInbound(app.core, app.runtime, event),
      logger: app.core.logger,
      clock: app.core.clock,
    });
  });
  afterAll(async () => {
    stopListening?.();
    await app?.stop();
    await twilio.stop();
  });
  beforeEach(() => {
    sent.length = 0;
  });

  it('answers a PBB lookup through sendMessage to <digits>@c.us, the menu as a numbered list', async () => {
    say(incoming('pbb'));
    await eventually(() => sent.some((s) => s.text.includes('NOP')));
    say(incoming('12.75.040.003.009-1555.0'));
    await eventually(() => sent.some((s) => s.text.includes('Rp636.115')));

    expect(new Set(sent.map((s) => s.chatId))).toEqual(new Set([`${CITIZEN}@c.us`]));
    const answer = textsTo(`${CITIZEN}@c.us`).find((t) => t.includes('Rp636.115')) ?? '';
    expect(answer).toContain('Wajib pajak: DA*** HU');
    expect(answer).toMatch(/\n\n1\. .+\n2\. .+/);

    // The citizen is known by the number WhatsApp vouches for.
    const identity = await app.core.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_address: { channel: 'whatsapp', address: CITIZEN } },
      include: { citizen: true },
    });
    expect(identity.citizen.phone).toBe(CITIZEN);
    // The client has the message before the relay settles its row: wait for the settle.
    const rows = await eventually(async () => {
      const all = await app.core.db.prisma.outboxMessage.findMany({ where: { channel: 'whatsapp' } });
      return all.every((r) => r.status !== 'pending') ? all : null;
    });
    expect(rows.every((r) => r.status === 'sent' && r.providerMessageId?.startsWith('3EB1'))).toBe(true);
  });

  it('a typed number picks from the numbered menu', async () => {
    say(incoming('menu'));
    await eventually(() => sent.some((s) => /\n1\. /.test(s.text)));
    const menu = sent.at(-1)?.text ?? '';
    const pbbLine = /(\d+)\. Cek PBB/.exec(menu);
    expect(pbbLine).not.toBeNull();
    sent.length = 0;
    say(incoming(pbbLine?.[1] ?? ''));
    await eventually(() => sent.some((s) => s.text.includes('NOP')));
  });

  it('group, status, broadcast and our own messages produce nothing and store nothing', async () => {
    const before = await app.core.db.prisma.processedInbound.count();
    say(
      incoming(
        'pbb',
        {
          author: `${CITIZEN}@c.us`,
          id: {
            fromMe: false,
            remote: '120363025246125486@g.us',
            id: 'G1',
            _serialized: 'false_120363025246125486@g.us_G1_6281234567890@c.us',
          },
        },
        '120363025246125486@g.us',
      ),
    );
    say(incoming('Selamat pagi!', { isStatusV3: true, author: `${CITIZEN}@c.us` }, 'status@broadcast'));
    say(incoming('Promo!', { broadcast: true }));
    say(
      incoming('Pilih layanan:', {
        id: { fromMe: true, remote: `${CITIZEN}@c.us`, id: 'ME1', _serialized: `true_${CITIZEN}@c.us_ME1` },
        from: `${CITY}@c.us`,
        to: `${CITIZEN}@c.us`,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent).toEqual([]);
    expect(await app.core.db.prisma.processedInbound.count()).toBe(before);
  });

  it('the same message delivered twice is answered once', async () => {
    const data = incoming('bantuan');
    say(data);
    say(data);
    await eventually(() => sent.some((s) => s.text.includes('LayanKota melayani')));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent.filter((s) => s.text.includes('LayanKota melayani'))).toHaveLength(1);
  });

  it('a permit filed on WhatsApp is followed by SMS from the same number', async () => {
    /** Sends a text and waits for the answer to it. */
    const ask = async (body: string): Promise<string> => {
      const before = sent.length;
      say(incoming(body));
      await eventually(() => sent.length > before);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return sent
        .slice(before)
        .map((s) => s.text)
        .join('\n');
    };
    /** The number of an option in a numbered list. */
    const numberOf = (answer: string, label: string) => new RegExp(`(\\d+)\\. ${label}`).exec(answer)?.[1] ?? '';
    // Answers to whatever the dialogue asks next, as a citizen would give them.
    const answers: Array<[RegExp, (answer: string) => string]> = [
      [/Kirim pengajuan ini\?/, (a) => numberOf(a, 'Kirim')],
      [/Ajukan sekarang/, (a) => numberOf(a, 'Ajukan sekarang')],
      [/nama lengkap/i, () => 'Budi Santoso'],
      [/NIK pemohon/, () => NIK],
      [/nomor HP/i, () => '081234567890'],
      [/email/i, () => 'lewati'],
      [/nama usaha/i, () => 'Toko Budi Jaya'],
      [/alamat usaha/i, () => 'Jl. Merdeka No. 10, Kota Contoh'],
      [/foto dokumen/i, () => 'lanjut'],
    ];
    // A minute later than the tests before, so the flood guard counts only this dialogue.
    app.clock.now = new Date(app.clock.now.getTime() + 2 * 60_000);
    let answer = await ask('siup');
    let trackingNumber: string | undefined;
    for (let turn = 0; turn < 15 && !trackingNumber; turn++) {
      const next = answers.find(([prompt]) => prompt.test(answer));
      expect(next, answer).toBeDefined();
      answer = await ask(next![1](answer));
      trackingNumber = /Nomor pelacakan: (P\d{8})/.exec(answer)?.[1];
    }
    expect(trackingNumber).toMatch(/^P\d{8}$/);

    const res = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, TWILIO.token, {
      MessageSid: `SM${'c'.repeat(32)}`,
      AccountSid: TWILIO.sid,
      From: `+${CITIZEN}`,
      To: TWILIO.from,
      Body: `CEK ${trackingNumber}`,
    });
    expect(res.status).toBe(200);
    // On SMS the history is offered, as the option that ends the reply.
    await eventually(() => twilio.calls.some((c) => c.Body.includes('Balas 1 Riwayat')));
    const bySms = twilio.calls.map((c) => c.Body).join(' ');
    // The owner's view: the same citizen behind both channels.
    expect(bySms).toContain('Status: Diajukan');
    expect(bySms).toContain('Target selesai: ');
    expect(bySms).not.toContain('Rincian hanya ditampilkan kepada pemohon');
    expect(twilio.calls.every((c) => c.To === `+${CITIZEN}`)).toBe(true);
  });

  it('never logs the whole phone number', () => {
    expect(app.logLines.length).toBeGreaterThan(0);
    expect(app.logLines.filter((l) => l.includes(CITIZEN))).toEqual([]);
  });
});
