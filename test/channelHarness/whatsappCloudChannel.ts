import { createHmac } from 'node:crypto';
import { parseCloudWebhook } from '../../bots/whatsapp/cloud/parseCloudWebhook.js';
import { FakeGraphApi } from '../support/fakeGraphApi.js';
import { PHOTO } from '../support/photoFiles.js';
import { startApp } from '../support/startApp.js';
import {
  appSender,
  expectAccepted,
  outbound,
  readFixtures,
  HARNESS_SESSION_SECRET,
  RECEIVED_AT,
  type ChannelRun,
  type ChannelUnderTest,
} from './ChannelUnderTest.js';

const TOKEN = 'EAAGharnessCloudTokenNeverLogged0123456789';
const APP_SECRET = '0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f';
const VERIFY_TOKEN = 'harness-verify-token-2026';
const PHONE_NUMBER_ID = '106540352242922';

/** WhatsApp through the Cloud API: fetch against a local fake of Graph; webhooks signed with the app secret into the app. */
export const whatsappCloudChannel: ChannelUnderTest = {
  name: 'whatsapp-cloud',
  fixtures: readFixtures('whatsapp-cloud'),
  async start() {
    const graph = new FakeGraphApi();
    graph.token = TOKEN;
    await graph.start();
    /** The media id of the image in a webhook body, as the fixtures carry one. */
    const imageIdOf = (body: unknown): string =>
      (body as { entry: Array<{ changes: Array<{ value: { messages: Array<{ image: { id: string } }> } }> }> })
        .entry[0]!.changes[0]!.value.messages[0]!.image.id;
    graph.media.set(imageIdOf(whatsappCloudChannel.fixtures.cases['a photo']?.native), {
      bytes: PHOTO.bytes,
      mimeType: 'image/jpeg',
    });
    const app = await startApp({
      WHATSAPP_MODE: 'cloud',
      SESSION_SECRET: HARNESS_SESSION_SECRET,
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_CLOUD_API_ROOT: `${graph.baseUrl}/v21.0`,
    });
    const run: ChannelRun = {
      app,
      secrets: [TOKEN, APP_SECRET, VERIFY_TOKEN],
      adapterLogLines: [],
      servePhoto(body, file) {
        graph.media.set(imageIdOf(body), { bytes: file, mimeType: 'image/jpeg' });
      },
      async parse(body) {
        const { messages } = parseCloudWebhook(body, RECEIVED_AT, PHONE_NUMBER_ID);
        if (messages.length > 1) throw new Error('a fixture posts one message at a time');
        return messages[0] ?? null;
      },
      async send(replies, address) {
        graph.calls.length = 0;
        await appSender(app, 'whatsapp').send(outbound('whatsapp', address, replies));
        // The bearer token stays out of the fixtures; the path and body are what Graph received.
        return graph.calls.map(({ path, body }) => ({ path, body }));
      },
      async deliver(body) {
        const raw = JSON.stringify(body);
        const signature = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
        const response = await fetch(`${app.baseUrl}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body: raw,
        });
        await expectAccepted(response);
      },
      // Delivery reports come to the same webhook as the citizens' messages.
      async deliverReport(body) {
        await run.deliver(body);
      },
      async stop() {
        await app.stop();
        await graph.stop();
      },
    };
    return run;
  },
};
