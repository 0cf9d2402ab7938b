import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from './support/AppProcess.js';
import { cloudMessageWebhook, failed131047Webhook, postCloudWebhook } from './support/cloudStatusWebhook.js';
import { FakeGraphApi } from './support/fakeGraphApi.js';
import { freePort } from './support/freePort.js';
import { PrivateRedis } from './support/PrivateRedis.js';
import { cityWithoutQuietHours, eventually } from './support/startApp.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

const TOKEN = 'EAAGrestartCloudTokenNeverLogged01234567';
const APP_SECRET = '7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d';
const PHONE_NUMBER_ID = '106540352242922';
const TEMPLATE = 'layankota_kabar';

// The app as production runs it (app/main.ts in a process of its own, every role) against a
// local fake of Graph, on its own database and Redis. Graph accepts a free text; the process is
// killed with SIGKILL; Meta's late 131047 failure reaches the next process. The template goes
// out exactly once, also when the process dies again while Graph refuses the template for a while.
describe('WhatsApp Cloud: a late 131047 across kill -9 of the app', () => {
  const graph = new FakeGraphApi();
  const redis = new PrivateRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-wa-restart-'));
  let db: TestDatabase;
  let app: AppProcess;
  let baseUrl = '';
  let serial = 0;

  const text = (from: string, body: string) =>
    cloudMessageWebhook({ id: `wamid.RESTART${++serial}`, type: 'text', text: { body } }, from, PHONE_NUMBER_ID);
  const post = async (raw: string) => expect((await postCloudWebhook(baseUrl, raw, APP_SECRET)).status).toBe(200);
  const templatesTo = (citizen: string) =>
    graph.calls.filter((c) => c.body.to === citizen && c.body.type === 'template' && c.id !== null);
  /** The free text the app sent to `citizen` and recorded as sent: its row and the wamid Graph gave. */
  const sentFreeText = async (citizen: string) => {
    const row = await eventually(
      () =>
        db.prisma.outboxMessage.findFirst({
          where: { address: citizen, status: 'sent', fallbackOfId: null },
          include: { providerIds: true },
        }),
      60_000,
    );
    return { row, wamid: row.providerIds[0]!.providerMessageId };
  };
  const fallbackOf = (id: string) => db.prisma.outboxMessage.findFirst({ where: { fallbackOfId: id } });

  beforeAll(async () => {
    await graph.start();
    await redis.start();
    db = await createTestDatabase('postgresql');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = new AppProcess(
      'app',
      {
        DATABASE_URL: db.url!,
        REDIS_URL: redis.url,
        DATA_DIR: path.join(dir, 'data'),
        CITY_DATA_DIR: cityWithoutQuietHours(dir),
        PORT: String(port),
        PUBLIC_BASE_URL: baseUrl,
        LOG_LEVEL: 'info',
        WHATSAPP_MODE: 'cloud',
        WHATSAPP_CLOUD_TOKEN: TOKEN,
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
        WHATSAPP_CLOUD_VERIFY_TOKEN: 'restart-verify-token-2026',
        WHATSAPP_CLOUD_API_ROOT: `${graph.baseUrl}/v21.0`,
        WHATSAPP_NOTIFICATION_TEMPLATE: TEMPLATE,
        OUTBOX_RETRY_BASE_MS: '300',
        OUTBOX_MAX_ATTEMPTS: '50',
        RECOVERY_SWEEP_SECONDS: '2',
        INBOUND_FLOOD_PER_MINUTE: '120',
      },
      path.join(dir, 'app.log'),
    );
    await app.start();
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    await redis.stop();
    await graph.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('killed between the accept and the webhook: the next process sends the template once, a repeat nothing', async () => {
    const citizen = '6281234500101';
    await post(text(citizen, 'bantuan'));
    const { row, wamid } = await sentFreeText(citizen);
    expect(templatesTo(citizen)).toEqual([]);

    // Graph has the free text and the app recorded it; the process dies before Meta reports back.
    expect((await app.kill('SIGKILL')).signal).toBe('SIGKILL');
    await app.start();

    await post(failed131047Webhook(wamid, citizen, PHONE_NUMBER_ID));
    const fallback = await eventually(async () => {
      const found = await fallbackOf(row.id);
      return found?.status === 'sent' ? found : null;
    }, 60_000);
    // Meta repeats the report: nothing more goes out.
    await post(failed131047Webhook(wamid, citizen, PHONE_NUMBER_ID));
    await eventually(async () => (await db.prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0);

    const templates = templatesTo(citizen);
    expect(templates).toHaveLength(1);
    expect(templates[0]!.body.template).toMatchObject({ name: TEMPLATE, language: { code: 'id' } });
    expect(fallback.providerMessageId).toBe(templates[0]!.id);
    expect(await db.prisma.outboxMessage.count({ where: { address: citizen } })).toBe(2);
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).deliveryStatus).toBe(
      'failed: 131047 Re-engagement message',
    );
  }, 180_000);

  it('killed while Graph refuses the template for a while: still exactly one template once it takes it', async () => {
    const citizen = '6281234500102';
    await post(text(citizen, 'bantuan'));
    const { row, wamid } = await sentFreeText(citizen);

    graph.refuseTemplates = true;
    await post(failed131047Webhook(wamid, citizen, PHONE_NUMBER_ID));
    // The fallback row was written with the failure and tried: Graph refused it, it waits to be retried.
    await eventually(async () => ((await fallbackOf(row.id))?.attempts ?? 0) >= 1, 60_000);
    expect((await app.kill('SIGKILL')).signal).toBe('SIGKILL');
    // A repeat of the report while no process runs is answered by the next one: still one fallback row.
    graph.refuseTemplates = false;
    await app.start();
    await post(failed131047Webhook(wamid, citizen, PHONE_NUMBER_ID));

    const fallback = await eventually(async () => {
      const found = await fallbackOf(row.id);
      return found?.status === 'sent' ? found : null;
    }, 90_000);
    await eventually(async () => (await db.prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0);
    const templates = templatesTo(citizen);
    expect(templates).toHaveLength(1);
    expect(fallback.providerMessageId).toBe(templates[0]!.id);
    expect(await db.prisma.outboxMessage.count({ where: { address: citizen } })).toBe(2);
  }, 240_000);

  it('never logs the token, the app secret or a whole phone number', () => {
    const log = app.log();
    expect(log).toContain('LayanKota started');
    for (const secret of [TOKEN, APP_SECRET, '6281234500101', '6281234500102']) expect(log).not.toContain(secret);
  });
});
