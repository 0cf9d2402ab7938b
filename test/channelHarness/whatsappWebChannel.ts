import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Client, Message, MessageContent } from 'whatsapp-web.js';
import { receiveInbound } from '../../app/receiveInbound.js';
import { createWhatsAppWebClient } from '../../bots/whatsapp/web/createWhatsAppWebClient.js';
import { listenWhatsAppWeb } from '../../bots/whatsapp/web/listenWhatsAppWeb.js';
import type { InboundEvent } from '../../core/conversation/types.js';
import { captureLogger } from '../support/silentLogger.js';
import { startApp } from '../support/startApp.js';
import { PHOTO } from '../support/photoFiles.js';
import { serveWebPage, webMessage, type WebMessageData, type WebPage } from '../support/whatsappWebMessage.js';
import {
  appSender,
  HARNESS_SESSION_SECRET,
  outbound,
  readFixtures,
  RECEIVED_AT,
  type ChannelUnderTest,
} from './ChannelUnderTest.js';

/** A real client as production builds it, never initialized: it never starts a browser. */
function neverInitializedClient(sessionDir: string): Client {
  return createWhatsAppWebClient({ sessionDir, chromiumPath: '/usr/bin/chromium' });
}

/**
 * WhatsApp through a WhatsApp Web session: real whatsapp-web.js Messages emitted on a
 * never-initialized Client, read by the real listener with a logger of its own; replies through
 * the registry's sender, whose `sendMessage` (which would drive the browser page) is recorded.
 */
export const whatsappWebChannel: ChannelUnderTest = {
  name: 'whatsapp-web',
  fixtures: readFixtures('whatsapp-web'),
  async start() {
    const sessionDir = mkdtempSync(path.join(tmpdir(), 'lk-harness-wa-'));
    const sent: Array<{ chatId: string; content: string }> = [];
    const appClient = neverInitializedClient(sessionDir);
    // sendMessage drives the WhatsApp Web page: the network edge, recorded here.
    appClient.sendMessage = async (chatId: string, content: MessageContent): Promise<Message> => {
      sent.push({ chatId, content: String(content) });
      const id = `3EB1${String(sent.length).padStart(16, '0')}`;
      return webMessage(appClient, {
        id: { fromMe: true, remote: chatId, id, _serialized: `true_${chatId}_${id}` },
        type: 'chat',
        from: '6281199990000@c.us',
        to: chatId,
        body: String(content),
      });
    };
    // What the WhatsApp Web page holds: every message the app was given, the fixture's photo with real bytes.
    const page: WebPage = new Map();
    const photo = whatsappWebChannel.fixtures.cases['a photo']?.native as WebMessageData;
    page.set(photo.id._serialized, { data: photo, file: PHOTO.bytes });
    serveWebPage(appClient, page);
    const app = await startApp(
      { WHATSAPP_MODE: 'web', CHROMIUM_PATH: '/usr/bin/chromium', SESSION_SECRET: HARNESS_SESSION_SECRET },
      {},
      { whatsappWebClient: appClient },
    );

    // The adapter alone: messages to events, through the listener with a logger of its own.
    const log = captureLogger();
    const parseClient = neverInitializedClient(sessionDir);
    const received: InboundEvent[] = [];
    const stopParsing = listenWhatsAppWeb(parseClient, {
      onInbound: async (event) => void received.push(event),
      logger: log.logger,
      clock: () => RECEIVED_AT,
    });

    // The whole app, wired as the bot role wires it (app/startWhatsAppWebBot.ts), without the browser.
    const handling = new Set<Promise<void>>();
    const stopListening = listenWhatsAppWeb(appClient, {
      onInbound: (event) => {
        const handled = receiveInbound(app.core, app.runtime, event);
        handling.add(handled);
        return handled.finally(() => handling.delete(handled));
      },
      logger: app.core.logger,
      clock: app.core.clock,
    });

    return {
      app,
      secrets: [],
      adapterLogLines: log.lines,
      servePhoto(data, file) {
        page.set((data as WebMessageData).id._serialized, { data: data as WebMessageData, file });
      },
      async parse(data) {
        received.length = 0;
        parseClient.emit('message', webMessage(parseClient, data as WebMessageData));
        // The listener hands a message on after the earlier ones of its chat: a turn later.
        await nextTurn();
        if (received.length > 1) throw new Error('one message became several events');
        return received[0] ?? null;
      },
      async send(replies, address) {
        sent.length = 0;
        await appSender(app, 'whatsapp').send(outbound('whatsapp', address, replies));
        return [...sent];
      },
      async deliver(data) {
        const message = data as WebMessageData;
        if (!page.has(message.id._serialized)) page.set(message.id._serialized, { data: message });
        appClient.emit('message', webMessage(appClient, message));
        await nextTurn();
        await Promise.allSettled([...handling]);
      },
      async stop() {
        stopParsing();
        stopListening();
        await app.stop();
        rmSync(sessionDir, { recursive: true, force: true });
      },
    };
  },
};
