import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCityData, type CityData } from '../../core/city/loadCityData.js';
import { AppProcess } from '../support/AppProcess.js';
import { FakeTelegramApi } from '../support/fakeTelegramApi.js';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { freePort } from '../support/freePort.js';
import { PgProxy } from '../support/PgProxy.js';
import { PrivateRedis } from '../support/PrivateRedis.js';
import { SmtpSink } from '../support/smtpSink.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { writeTestCity } from '../support/writeTestCity.js';

export const TWILIO_AUTH_TOKEN = 'fault-auth-token-0123456789abcdef';
export const TWILIO_ACCOUNT_SID = `AC${'9'.repeat(32)}`;
export const TWILIO_FROM = '+15005550006';
export const TELEGRAM_TOKEN = '7000000001:AAHfakeTokenForLayanKotaFaultRig_012345';
/** The Inspectorate's officer on Telegram, who receives the bot's escalations. */
export const INSPECTOR_CHAT = '5559002';

/**
 * Everything a fault test needs around the app, each part a test can break: a fresh database
 * behind a TCP proxy (an outage as the app sees it), a Redis of the test's own (to flush, kill
 * or restart), the app split into a web process and a worker process running `app/main.ts`
 * (to kill -9 or SIGTERM), and the outside world as local fakes: Twilio's API, Telegram's Bot
 * API and an SMTP server. The test reads the truth straight from PostgreSQL, around the proxy.
 */
export class FaultRig {
  readonly twilio = new FakeTwilioApi();
  readonly telegram = new FakeTelegramApi(TELEGRAM_TOKEN);
  readonly sink = new SmtpSink();
  readonly proxy = new PgProxy();
  readonly redis = new PrivateRedis();
  readonly cityDir = writeTestCity('test/fixtures/city-faults.json');
  readonly city: CityData = loadCityData(this.cityDir);
  readonly dir = mkdtempSync(path.join(tmpdir(), 'lk-faults-'));
  db!: TestDatabase;
  web!: AppProcess;
  worker!: AppProcess;
  baseUrl = '';
  private serial = 0;

  constructor(private readonly extraEnv: Record<string, string> = {}) {}

  async start(): Promise<void> {
    await Promise.all([this.twilio.start(), this.telegram.start(), this.sink.start(), this.proxy.start()]);
    await this.redis.start();
    this.db = await createTestDatabase('postgresql');
    await this.db.prisma.officer.create({
      data: { name: 'Inspektur Lubis', role: 'inspectorate', channel: 'telegram', address: INSPECTOR_CHAT },
    });
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const env = (role: 'web' | 'worker'): Record<string, string> => ({
      DATABASE_URL: this.proxy.url(this.db.url!),
      REDIS_URL: this.redis.url,
      DATA_DIR: path.join(this.dir, role),
      CITY_DATA_DIR: this.cityDir,
      ROLES: role,
      PORT: role === 'web' ? String(port) : '0',
      LOG_LEVEL: 'info',
      PUBLIC_BASE_URL: this.baseUrl,
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN,
      TWILIO_FROM,
      TWILIO_API_ROOT: this.twilio.baseUrl,
      SMS_RATE_PER_SECOND: '50',
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: this.telegram.baseUrl,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: 'tg-webhook-secret_faultrig_0123456789',
      SMTP_URL: this.sink.url,
      INBOUND_FLOOD_PER_MINUTE: '120',
      OUTBOX_RETRY_BASE_MS: '500',
      RECOVERY_SWEEP_SECONDS: '5',
      ...this.extraEnv,
    });
    this.web = new AppProcess('web', env('web'), path.join(this.dir, 'web.log'));
    this.worker = new AppProcess('worker', env('worker'), path.join(this.dir, 'worker.log'));
    await Promise.all([this.web.start(), this.worker.start()]);
  }

  /** A Twilio MessageSid nobody used yet. */
  nextSid(): string {
    return `SM${String(++this.serial).padStart(32, 'f')}`;
  }

  /** An SMS from `from` (digits), posted to the web process and signed as Twilio signs it. */
  sendSms(from: string, body: string, messageSid = this.nextSid()): Promise<Response> {
    return postSignedTwilio(`${this.baseUrl}/webhooks/twilio/sms`, TWILIO_AUTH_TOKEN, {
      MessageSid: messageSid,
      AccountSid: TWILIO_ACCOUNT_SID,
      From: `+${from}`,
      To: TWILIO_FROM,
      Body: body,
    });
  }

  /** What Twilio accepted for one address (digits). */
  callsTo(address: string) {
    return this.twilio.calls.filter((c) => c.To === `+${address}`);
  }

  async stop(): Promise<void> {
    await this.proxy.resume();
    await Promise.all([this.web?.stop(), this.worker?.stop()]);
    await this.db?.drop();
    await this.redis.stop();
    await Promise.all([this.twilio.stop(), this.telegram.stop(), this.sink.stop(), this.proxy.stop()]);
    rmSync(this.cityDir, { recursive: true, force: true });
    if (!process.env.KEEP_FAULT_LOGS) rmSync(this.dir, { recursive: true, force: true });
  }
}
