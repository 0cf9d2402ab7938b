import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importLedger } from '../core/pbb/importLedger.js';
import { cloudMessageWebhook, cloudStatusWebhook, failed131047Webhook } from './support/cloudStatusWebhook.js';
import { FakeGraphApi, graphText } from './support/fakeGraphApi.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';

const TOKEN = 'EAAGm0PX4ZCpsBAtestcloudtoken0123456789';
const APP_SECRET = '5f1c8a2b9e7d4c3a1b0f9e8d7c6b5a49';
const VERIFY_TOKEN = 'layankota-verify-2026';
const PHONE_NUMBER_ID = '106540352242922';
const TEMPLATE = 'layankota_kabar';
const CITIZEN = '6281234567890';
let serial = 0;

/** A webhook body as Meta posts it for one message from the citizen. */
const webhook = (message: Record<string, unknown>, from = CITIZEN) =>
  cloudMessageWebhook({ id: `wamid.IN${++serial}`, ...message }, from, PHONE_NUMBER_ID);
const text = (body: string) => webhook({ type: 'text', text: { body } });
const sign = (raw: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('WhatsApp Cloud API: signed webhooks, replies through a local fake of the Graph API', () => {
  const graph = new FakeGraphApi();
  let app: TestApp;

  const post = (raw: string, signature: string | null = sign(raw)) =>
    fetch(`${app.baseUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
      body: raw,
    });

  beforeAll(async () => {
    await graph.start();
    app = await startApp({
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_CLOUD_API_ROOT: `${graph.baseUrl}/v21.0`,
      WHATSAPP_NOTIFICATION_TEMPLATE: TEMPLATE,
      OUTBOX_MAX_ATTEMPTS: '3',
      OUTBOX_RETRY_BASE_MS: '100',
    });
    await importLedger(app.core.db.prisma, createReadStream('city/default/pbb-sppt-demo.csv'));
  });
  afterAll(async () => {
    await app?.stop();
    await graph.stop();
  });
  beforeEach(() => {
    graph.calls.length = 0;
    graph.refuseFreeFormWith = null;
  });

  it('answers a correctly signed webhook: the reply is posted to /<phone number id>/messages with the bearer token', async () => {
    expect((await post(text('pbb'))).status).toBe(200);
    await eventually(() => graph.calls.some((c) => graphText(c).includes('NOP')));
    expect((await post(text('12.75.040.003.009-1555.0'))).status).toBe(200);
    const answer = await eventually(() => graph.calls.find((c) => graphText(c).includes('Rp636.115')));

    for (const call of graph.calls) {
      expect(call.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
      expect(call.authorization).toBe(`Bearer ${TOKEN}`);
      expect(call.body.to).toBe(CITIZEN);
    }
    // Two choices under the bills: reply buttons.
    expect(answer.body).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
    const row = await eventually(() =>
      app.core.db.prisma.outboxMessage.findFirst({ where: { providerMessageId: answer.id, status: 'sent' } }),
    );
    expect(row).toMatchObject({ channel: 'whatsapp', address: CITIZEN, status: 'sent' });
  });

  it('reads a pressed button as the option it stands for', async () => {
    await post(
      webhook({
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'nav.menu', title: 'Menu utama' } },
      }),
    );
    // The main menu has more than 3 choices: a list.
    const menu = await eventually(() => graph.calls.find((c) => c.body.interactive?.type === 'list'));
    expect(graphText(menu)).toContain('Pilih layanan');
  });

  it('refuses a wrongly signed or unsigned webhook with 403 and stores nothing', async () => {
    const before = await app.core.db.prisma.processedInbound.count();
    const citizens = await app.core.db.prisma.citizen.count();
    const raw = text('pbb');
    const forged = await post(raw, sign(raw, 'not-the-app-secret-0000000000000'));
    expect(forged.status).toBe(403);
    const tampered = await post(raw.replace('pbb', 'izin'), sign(raw));
    expect(tampered.status).toBe(403);
    expect((await post(webhook({ type: 'text', text: { body: 'pbb' } }, '6289999999999'), null)).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await app.core.db.prisma.processedInbound.count()).toBe(before);
    expect(await app.core.db.prisma.citizen.count()).toBe(citizens);
    expect(graph.calls).toEqual([]);
  });

  it('answers the subscription challenge only for the verify token', async () => {
    const url = (token: string) =>
      `${app.baseUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await fetch(url(VERIFY_TOKEN));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(url('guessed-token'))).status).toBe(403);
  });

  it('outside the 24-hour window (131047) sends the configured template instead', async () => {
    graph.refuseFreeFormWith = 131047;
    await post(text('bantuan'));
    const template = await eventually(() => graph.calls.find((c) => c.body.type === 'template'));
    expect(template.body.template).toMatchObject({ name: TEMPLATE, language: { code: 'id' } });
    expect(JSON.stringify(template.body.template?.components)).toContain('LayanKota melayani');
    await eventually(() =>
      app.core.db.prisma.outboxMessage.findFirst({ where: { providerMessageId: template.id, status: 'sent' } }),
    );
  });

  it('a free text Graph accepted and later failed with 131047 goes again as the template: once, whatever repeats the report', async () => {
    const prisma = app.core.db.prisma;
    const citizen = '6281234500047';
    await post(webhook({ type: 'text', text: { body: 'bantuan' } }, citizen));
    const first = await eventually(() =>
      prisma.outboxMessage.findFirst({ where: { address: citizen, status: 'sent' }, include: { providerIds: true } }),
    );
    const freeText = graph.calls.filter((c) => c.body.to === citizen);
    expect(freeText.map((c) => c.body.type)).not.toContain('template');
    // The row's texts, each under its own id, as the relay recorded them.
    expect(first.providerIds.map((p) => p.providerMessageId).sort()).toEqual(freeText.map((c) => c.id).sort());

    // Meta delivers a webhook at least once: three copies at once, then one more after the template went.
    const failure = failed131047Webhook(freeText[0]!.id!, citizen, PHONE_NUMBER_ID);
    const answers = await Promise.all([1, 2, 3].map(() => post(failure)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const fallback = await eventually(() =>
      prisma.outboxMessage.findFirst({ where: { fallbackOfId: first.id, status: 'sent' } }),
    );
    expect((await post(failure)).status).toBe(200);

    const templates = graph.calls.filter((c) => c.body.to === citizen && c.body.type === 'template');
    expect(templates).toHaveLength(1);
    expect(templates[0]!.body.template).toMatchObject({ name: TEMPLATE, language: { code: 'id' } });
    expect(JSON.stringify(templates[0]!.body.template?.components)).toContain('LayanKota melayani');
    // The outbox shows both attempts: the free text failed 131047, then the template sent.
    const both = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: first.id }, include: { fallback: true } });
    expect(both.deliveryStatus).toBe('failed: 131047 Re-engagement message');
    expect(both.fallback).toMatchObject({
      id: fallback.id,
      status: 'sent',
      kind: first.kind,
      replies: first.replies,
      providerMessageId: templates[0]!.id,
    });
    expect(await prisma.outboxMessage.count({ where: { address: citizen } })).toBe(2);

    // A failure of the template itself gets no fallback of its own.
    expect((await post(failed131047Webhook(templates[0]!.id!, citizen, PHONE_NUMBER_ID))).status).toBe(200);
    expect(await prisma.outboxMessage.count({ where: { address: citizen } })).toBe(2);
    expect((await prisma.outboxMessage.findUniqueOrThrow({ where: { id: fallback.id } })).deliveryStatus).toBe(
      'failed: 131047 Re-engagement message',
    );
  });

  it('a late failure that no template would mend (131026, not on WhatsApp) is only recorded', async () => {
    const prisma = app.core.db.prisma;
    const citizen = '6281234500026';
    await post(webhook({ type: 'text', text: { body: 'bantuan' } }, citizen));
    const first = await eventually(() =>
      prisma.outboxMessage.findFirst({ where: { address: citizen, status: 'sent' } }),
    );
    const undeliverable = failed131047Webhook(first.providerMessageId!.split(',')[0]!, citizen, PHONE_NUMBER_ID)
      .replace('"code":131047', '"code":131026')
      .replace('"title":"Re-engagement message"', '"title":"Message undeliverable"');
    expect((await post(undeliverable)).status).toBe(200);
    expect((await prisma.outboxMessage.findUniqueOrThrow({ where: { id: first.id } })).deliveryStatus).toBe(
      'failed: 131026 Message undeliverable',
    );
    expect(await prisma.outboxMessage.count({ where: { address: citizen } })).toBe(1);
    expect(graph.calls.filter((c) => c.body.to === citizen && c.body.type === 'template')).toEqual([]);
  });

  it('records delivery reports, a failure with its code', async () => {
    await post(text('menu'));
    const sent = await eventually(() => graph.calls.find((c) => c.id));
    const report = (status: string, errors?: unknown[]) =>
      cloudStatusWebhook({ id: sent.id, status, recipient_id: CITIZEN, errors }, PHONE_NUMBER_ID);
    const deliveryOf = async () =>
      (await app.core.db.prisma.outboxMessage.findFirstOrThrow({ where: { providerMessageId: sent.id } }))
        .deliveryStatus;
    await eventually(
      async () => (await app.core.db.prisma.providerMessage.count({ where: { providerMessageId: sent.id! } })) > 0,
    );
    expect((await post(report('delivered'))).status).toBe(200);
    expect(await deliveryOf()).toBe('delivered');
    await post(report('failed', [{ code: 131026, title: 'Message undeliverable' }]));
    expect(await deliveryOf()).toBe('failed: 131026 Message undeliverable');
  });

  it('never logs the token, the app secret or the whole phone number', () => {
    const log = app.logLines.join('\n');
    expect(app.logLines.length).toBeGreaterThan(0);
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(APP_SECRET);
    expect(log).not.toContain(CITIZEN);
  });
});
