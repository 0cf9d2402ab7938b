import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTING_NAMES } from './loadConfig.js';

/** The ConfigError thrown for an environment, or a failure when none is thrown. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('fills every setting with its default from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      databaseDirectUrl: undefined,
      databasePool: { max: 10, connectTimeoutMs: undefined, preparedStatements: true },
      dataDir: path.resolve('data'),
      pgliteDir: path.join(path.resolve('data'), 'pglite'),
      cityDataDir: path.resolve('city/default'),
      redis: null,
      port: 3000,
      roles: ['web', 'worker', 'bot'],
      logLevel: 'info',
      defaultLanguage: undefined,
      conversationIdleMs: 30 * 60_000,
      draftRetentionMs: 72 * 3_600_000,
      inboundMaxChars: 1000,
      inboundFloodPerMinute: 12,
      publicBaseUrl: undefined,
      sms: { provider: 'none', ratePerSecond: 1, maxParts: 3 },
      whatsapp: { mode: 'none', ratePerSecond: 20 },
      telegram: null,
      outbox: { maxAttempts: 5, retryBaseMs: 2000 },
      email: null,
      slaReconcileMs: 10 * 60_000,
      recoverySweepMs: 15_000,
      shutdownTimeoutMs: 10_000,
      healthFile: undefined,
      commandCenter: {
        sessionSecret: undefined,
        open311ApiKeys: [],
        tvWallToken: undefined,
        streams: { perOfficer: 5, tvWall: 100, tvWallPerClient: 10 },
        exportMaxRows: 50_000,
      },
      http: {
        trustProxy: false,
        rateLimits: {
          windowMs: 60_000,
          loginRequest: 10,
          loginVerify: 20,
          open311Read: 120,
          open311Write: 20,
          events: 30,
          webhooks: 1200,
        },
      },
    });
  });

  it('reads every setting that is given', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgresql://lk@db:5432/layankota',
        DATABASE_DIRECT_URL: 'postgresql://lk@db-primary:5432/layankota',
        DATABASE_POOL_MAX: '4',
        DATABASE_POOL_TIMEOUT_SECONDS: '15',
        DATA_DIR: '/var/lib/layankota',
        CITY_DATA_DIR: '/etc/layankota/city',
        REDIS_URL: 'rediss://cache:6380',
        PORT: '8080',
        ROLES: 'worker',
        LOG_LEVEL: 'debug',
        DEFAULT_LANGUAGE: 'en',
        CONVERSATION_IDLE_MINUTES: '5',
        DRAFT_RETENTION_HOURS: '24',
        INBOUND_MAX_CHARS: '500',
        INBOUND_FLOOD_PER_MINUTE: '6',
        PUBLIC_BASE_URL: 'https://layanan.kota.go.id/',
        SMS_PROVIDER: 'android',
        SMS_RATE_PER_SECOND: '0.5',
        SMS_MAX_PARTS: '2',
        ANDROID_SMS_GATEWAY_URL: 'http://192.0.2.10:8080/',
        ANDROID_SMS_GATEWAY_USERNAME: 'sms',
        ANDROID_SMS_GATEWAY_PASSWORD: 'pass-word',
        ANDROID_SMS_GATEWAY_SIGNING_KEY: 'signing-key-1',
        WHATSAPP_MODE: 'web',
        WHATSAPP_RATE_PER_SECOND: '2',
        CHROMIUM_PATH: '/opt/chromium/chrome',
        TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: 'tg-webhook-secret-0123',
        TELEGRAM_RATE_PER_SECOND: '10',
        OUTBOX_MAX_ATTEMPTS: '3',
        SMTP_URL: 'smtps://mailer:secret@mail.kota.go.id:465',
        EMAIL_FROM: 'LayanKota <layanan@kota.go.id>',
        SLA_RECONCILE_MINUTES: '5',
        RECOVERY_SWEEP_SECONDS: '3',
        SHUTDOWN_TIMEOUT_SECONDS: '4',
        HEALTH_FILE: '/run/layankota/health.json',
        EXPORT_MAX_ROWS: '2000',
        OUTBOX_RETRY_BASE_MS: '500',
        TRUST_PROXY: '1',
        RATE_LIMIT_WINDOW_SECONDS: '30',
        RATE_LIMIT_LOGIN_REQUEST: '3',
        RATE_LIMIT_LOGIN_VERIFY: '4',
        RATE_LIMIT_OPEN311_READ: '50',
        RATE_LIMIT_OPEN311_WRITE: '5',
        RATE_LIMIT_EVENTS: '6',
        RATE_LIMIT_WEBHOOKS: '600',
      }),
    ).toEqual({
      databaseUrl: 'postgresql://lk@db:5432/layankota',
      databaseDirectUrl: 'postgresql://lk@db-primary:5432/layankota',
      databasePool: { max: 4, connectTimeoutMs: 15_000, preparedStatements: false },
      dataDir: '/var/lib/layankota',
      pgliteDir: '/var/lib/layankota/pglite',
      cityDataDir: '/etc/layankota/city',
      redis: {
        mode: 'single',
        url: 'rediss://cache:6380',
        keyPrefix: 'layankota',
        username: undefined,
        password: undefined,
        tls: true,
        db: 0,
      },
      port: 8080,
      roles: ['worker'],
      logLevel: 'debug',
      defaultLanguage: 'en',
      conversationIdleMs: 5 * 60_000,
      draftRetentionMs: 24 * 3_600_000,
      inboundMaxChars: 500,
      inboundFloodPerMinute: 6,
      publicBaseUrl: 'https://layanan.kota.go.id',
      sms: {
        provider: 'android',
        ratePerSecond: 0.5,
        maxParts: 2,
        baseUrl: 'http://192.0.2.10:8080',
        username: 'sms',
        password: 'pass-word',
        signingKey: 'signing-key-1',
      },
      whatsapp: {
        mode: 'web',
        ratePerSecond: 2,
        chromiumPath: '/opt/chromium/chrome',
        sessionDir: '/var/lib/layankota/whatsapp',
      },
      telegram: {
        mode: 'webhook',
        token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
        apiRoot: 'http://127.0.0.1:8081',
        webhookSecret: 'tg-webhook-secret-0123',
        ratePerSecond: 10,
      },
      outbox: { maxAttempts: 3, retryBaseMs: 500 },
      email: { smtpUrl: 'smtps://mailer:secret@mail.kota.go.id:465', from: 'LayanKota <layanan@kota.go.id>' },
      slaReconcileMs: 5 * 60_000,
      recoverySweepMs: 3000,
      shutdownTimeoutMs: 4000,
      healthFile: '/run/layankota/health.json',
      commandCenter: {
        sessionSecret: undefined,
        open311ApiKeys: [],
        tvWallToken: undefined,
        streams: { perOfficer: 5, tvWall: 100, tvWallPerClient: 10 },
        exportMaxRows: 2000,
      },
      http: {
        trustProxy: 1,
        rateLimits: {
          windowMs: 30_000,
          loginRequest: 3,
          loginVerify: 4,
          open311Read: 50,
          open311Write: 5,
          events: 6,
          webhooks: 600,
        },
      },
    });
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it('refuses a TRUST_PROXY it cannot read', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'the nginx box' })).toThrow(/TRUST_PROXY: must be false, true/);
  });

  it('treats an empty variable as unset, as docker-compose passes them', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', ROLES: '' })).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      roles: ['web', 'worker', 'bot'],
    });
  });

  it.each([
    { name: 'DATABASE_URL', value: 'mysql://lk:hunter2@db/layankota', says: 'must be a postgresql:// URL' },
    { name: 'REDIS_URL', value: 'http://cache:6379', says: 'must be a redis:// URL' },
    { name: 'PORT', value: 'abc', says: 'must be a whole number' },
    { name: 'PORT', value: '70000', says: '(got "70000")' },
    { name: 'PORT', value: '-1', says: '(got "-1")' },
    { name: 'PORT', value: '80.5', says: '(got "80.5")' },
    { name: 'ROLES', value: 'foo', says: 'unknown role(s) foo' },
    { name: 'ROLES', value: 'web,robot', says: 'unknown role(s) robot' },
    { name: 'LOG_LEVEL', value: 'verbose', says: '(got "verbose")' },
    { name: 'DEFAULT_LANGUAGE', value: 'fr', says: '(got "fr")' },
    { name: 'CONVERSATION_IDLE_MINUTES', value: '0', says: '(got "0")' },
    { name: 'CONVERSATION_IDLE_MINUTES', value: 'ten', says: '(got "ten")' },
    { name: 'DRAFT_RETENTION_HOURS', value: '0', says: '(got "0")' },
    { name: 'INBOUND_MAX_CHARS', value: '-5', says: '(got "-5")' },
    { name: 'INBOUND_MAX_CHARS', value: '2.5', says: '(got "2.5")' },
  ])('refuses $name=$value with a ConfigError naming it', ({ name, value, says }) => {
    const error = configErrorOf({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(error.problems[0]).toContain(says);
    expect(error.message).toContain(`  - ${name}: `);
  });

  it('reads a Redis Cluster, with the credentials and TLS of REDIS_URL', () => {
    expect(
      loadConfig({
        REDIS_CLUSTER_NODES: 'redis-1:7000, redis-2:7001,[::1]:7002',
        REDIS_URL: 'rediss://lk:s%40cret@ignored:6379',
        REDIS_KEY_PREFIX: 'kota-a',
      }).redis,
    ).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'redis-1', port: 7000 },
        { host: 'redis-2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      keyPrefix: 'kota-a',
      username: 'lk',
      password: 's@cret',
      tls: true,
      db: 0,
    });
  });

  it('reads a master behind Redis Sentinel', () => {
    expect(
      loadConfig({
        REDIS_SENTINELS: 'sentinel-1:26379,sentinel-2:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_URL: 'redis://:master-secret@ignored/2',
      }).redis,
    ).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: 'sentinel-2', port: 26379 },
      ],
      name: 'mymaster',
      sentinelPassword: 'sentinel-secret',
      keyPrefix: 'layankota',
      username: undefined,
      password: 'master-secret',
      tls: false,
      db: 2,
    });
  });

  it('says what is wrong with the cluster and Sentinel settings, never repeating a password', () => {
    const problems = (env: Record<string, string>) => configErrorOf(env).problems;
    expect(problems({ REDIS_CLUSTER_NODES: 'redis-1,redis-2:7001' })).toEqual([
      'REDIS_CLUSTER_NODES: must be a comma-separated list of host:port, e.g. redis-1:6379,redis-2:6379 (got "redis-1,redis-2:7001")',
    ]);
    expect(problems({ REDIS_SENTINELS: 's:26379' })).toEqual([
      'REDIS_SENTINEL_NAME: is required when REDIS_SENTINELS is set (the master name Sentinel monitors)',
    ]);
    expect(problems({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS: cannot be set with REDIS_CLUSTER_NODES: a Redis Cluster fails over by itself (got "s:26379")',
    ]);
    expect(problems({ REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 'hunter2' })).toEqual([
      'REDIS_SENTINEL_NAME: has no effect without REDIS_SENTINELS (got "mymaster")',
      'REDIS_SENTINEL_PASSWORD: has no effect without REDIS_SENTINELS',
    ]);
    expect(problems({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_URL: 'redis://:hunter2@r/3' })).toEqual([
      'REDIS_URL: must not name a database other than 0 with REDIS_CLUSTER_NODES: a cluster has only 0',
    ]);
    expect(problems({ REDIS_KEY_PREFIX: 'kota a' })[0]).toMatch(/^REDIS_KEY_PREFIX: must be letters, digits/);
    expect(problems({ REDIS_SENTINELS: 's:99999', REDIS_SENTINEL_NAME: 'm' })[0]).toMatch(/^REDIS_SENTINELS: must be/);
  });

  it('never repeats the value of a URL, which may hold a password', () => {
    const error = configErrorOf({ DATABASE_URL: 'mysql://lk:hunter2@db/layankota', REDIS_URL: 'http://:s3cret@cache' });
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'REDIS_URL']);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('s3cret');
  });

  it('asks for the credentials of the chosen SMS provider, naming each missing one', () => {
    const twilio = configErrorOf({ SMS_PROVIDER: 'twilio', TWILIO_FROM: '+15005550006' });
    expect(twilio.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'PUBLIC_BASE_URL',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
    ]);
    expect(twilio.problems[0]).toContain('is required when SMS_PROVIDER=twilio');
    const android = configErrorOf({ SMS_PROVIDER: 'android', ANDROID_SMS_GATEWAY_URL: 'http://192.0.2.10:8080' });
    expect(android.problems).toHaveLength(3);
    expect(configErrorOf({ TWILIO_ACCOUNT_SID: 'XX123' }).problems[0]).toMatch(/^TWILIO_ACCOUNT_SID: /);
  });

  it.each([
    { root: undefined, apiRoot: 'https://api.twilio.com' },
    { root: 'http://127.0.0.1:4010/', apiRoot: 'http://127.0.0.1:4010' },
  ])("reads Twilio's settings, with Twilio's API root unless TWILIO_API_ROOT is $root", ({ root, apiRoot }) => {
    expect(
      loadConfig({
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'twilio-auth-token-0123',
        TWILIO_FROM: '+15005550006',
        PUBLIC_BASE_URL: 'https://layanan.kota.go.id',
        ...(root ? { TWILIO_API_ROOT: root } : {}),
      }).sms,
    ).toEqual({
      provider: 'twilio',
      ratePerSecond: 1,
      maxParts: 3,
      accountSid: `AC${'0'.repeat(32)}`,
      authToken: 'twilio-auth-token-0123',
      from: '+15005550006',
      apiRoot,
    });
  });

  it('reads the WhatsApp Cloud API settings, with the Graph API root by default', () => {
    expect(
      loadConfig({
        WHATSAPP_MODE: 'cloud',
        WHATSAPP_CLOUD_TOKEN: 'EAAG-cloud-token-0123456789',
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: '106540352242922',
        WHATSAPP_CLOUD_APP_SECRET: '0123456789abcdef0123456789abcdef',
        WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me-please',
        WHATSAPP_NOTIFICATION_TEMPLATE: 'layankota_update',
      }).whatsapp,
    ).toEqual({
      mode: 'cloud',
      ratePerSecond: 20,
      token: 'EAAG-cloud-token-0123456789',
      phoneNumberId: '106540352242922',
      appSecret: '0123456789abcdef0123456789abcdef',
      verifyToken: 'verify-me-please',
      apiRoot: 'https://graph.facebook.com/v21.0',
      notificationTemplate: 'layankota_update',
    });
  });

  it('asks for the Cloud API credentials when WHATSAPP_MODE=cloud, and never repeats a secret', () => {
    const error = configErrorOf({ WHATSAPP_MODE: 'cloud', WHATSAPP_CLOUD_APP_SECRET: 'tiny-secret' });
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'WHATSAPP_CLOUD_APP_SECRET',
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
      'WHATSAPP_CLOUD_TOKEN',
      'WHATSAPP_CLOUD_VERIFY_TOKEN',
    ]);
    expect(error.message).toContain('is required when WHATSAPP_MODE=cloud');
    expect(error.message).not.toContain('tiny-secret');
    expect(configErrorOf({ WHATSAPP_MODE: 'both' }).problems[0]).toMatch(/^WHATSAPP_MODE: /);
    expect(configErrorOf({ WHATSAPP_NOTIFICATION_TEMPLATE: 'Kabar LayanKota' }).problems[0]).toMatch(
      /^WHATSAPP_NOTIFICATION_TEMPLATE: must be a template name/,
    );
  });

  it('turns Telegram on with a bot token: long polling on the Bot API of Telegram by default', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' }).telegram).toEqual({
      mode: 'polling',
      token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      apiRoot: 'https://api.telegram.org',
      ratePerSecond: 25,
    });
    // Without a token the other Telegram settings change nothing.
    expect(loadConfig({ TELEGRAM_MODE: 'webhook' }).telegram).toBeNull();
  });

  it('asks for the webhook secret and public URL when TELEGRAM_MODE=webhook, and never repeats a token', () => {
    const missing = configErrorOf({
      TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      TELEGRAM_MODE: 'webhook',
    });
    expect(missing.problems.map((p) => p.split(':')[0]).sort()).toEqual(['PUBLIC_BASE_URL', 'TELEGRAM_WEBHOOK_SECRET']);
    expect(missing.message).toContain('is required when TELEGRAM_MODE=webhook');
    const bad = configErrorOf({ TELEGRAM_BOT_TOKEN: 'not-a-bot-token', TELEGRAM_WEBHOOK_SECRET: 'short secret' });
    expect(bad.problems.map((p) => p.split(':')[0]).sort()).toEqual(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);
    expect(bad.message).not.toContain('not-a-bot-token');
    expect(bad.message).not.toContain('short secret');
  });

  it('never repeats a token or password in an error', () => {
    const error = configErrorOf({ TWILIO_AUTH_TOKEN: 'short', ANDROID_SMS_GATEWAY_SIGNING_KEY: 'tiny' });
    expect(error.message).not.toContain('short"');
    expect(error.message).not.toContain('tiny');
  });

  it('names every invalid variable at once', () => {
    const error = configErrorOf({ PORT: 'abc', ROLES: 'foo', LOG_LEVEL: 'loud' });
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'ROLES']);
  });

  it.each([
    { roles: 'all', expected: ['web', 'worker', 'bot'] },
    { roles: 'ALL', expected: ['web', 'worker', 'bot'] },
    { roles: 'web,worker', expected: ['web', 'worker'] },
    { roles: 'WEB, bot', expected: ['web', 'bot'] },
    { roles: ' worker ', expected: ['worker'] },
    { roles: 'bot,all', expected: ['web', 'worker', 'bot'] },
  ])('reads ROLES=$roles as $expected', ({ roles, expected }) => {
    expect(loadConfig({ ROLES: roles }).roles).toEqual(expected);
  });

  // BUG: z.coerce.number() turns a blank string into 0, so PORT="  " (a stray space in an env file)
  // silently means "any free port" instead of the default 3000 or an error.
  it('does not read a blank PORT as port 0', () => {
    let port: number | 'error';
    try {
      port = loadConfig({ PORT: '  ' }).port;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      port = 'error';
    }
    expect([3000, 'error']).toContain(port);
  });

  it('takes DATABASE_DIRECT_URL only with DATABASE_URL, and a pool of at least one connection', () => {
    expect(configErrorOf({ DATABASE_DIRECT_URL: 'postgresql://lk@db:5432/layankota' }).problems).toEqual([
      'DATABASE_URL: is required when DATABASE_DIRECT_URL is set',
    ]);
    const bad = configErrorOf({
      DATABASE_URL: 'postgresql://lk@pgbouncer:6432/layankota',
      DATABASE_DIRECT_URL: 'mysql://lk:hunter2@db/layankota',
      DATABASE_POOL_MAX: '0',
      DATABASE_POOL_TIMEOUT_SECONDS: 'soon',
    });
    expect(bad.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_DIRECT_URL',
      'DATABASE_POOL_MAX',
      'DATABASE_POOL_TIMEOUT_SECONDS',
    ]);
    expect(bad.message).not.toContain('hunter2');
  });

  it('names the message path statements unless DATABASE_DIRECT_URL marks DATABASE_URL as a PgBouncer, or told', () => {
    const pool = (env: Record<string, string>) => loadConfig(env).databasePool.preparedStatements;
    const url = 'postgresql://lk@db:5432/layankota';
    const bouncer = 'postgresql://lk@pgbouncer:6432/layankota';
    expect(pool({ DATABASE_URL: url })).toBe(true);
    expect(pool({ DATABASE_URL: bouncer, DATABASE_DIRECT_URL: url })).toBe(false);
    // A PgBouncer 1.21+ with max_prepared_statements keeps them: told so.
    expect(pool({ DATABASE_URL: bouncer, DATABASE_DIRECT_URL: url, DATABASE_PREPARED_STATEMENTS: 'true' })).toBe(true);
    expect(pool({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: 'false' })).toBe(false);
    expect(configErrorOf({ DATABASE_PREPARED_STATEMENTS: 'yes' }).problems[0]).toMatch(
      /^DATABASE_PREPARED_STATEMENTS:/,
    );
  });

  it('documents every setting in README.md', () => {
    expect(SETTING_NAMES.length).toBeGreaterThanOrEqual(10);
    expect(existsSync('README.md')).toBe(true);
    const readme = readFileSync('README.md', 'utf8');
    expect(SETTING_NAMES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
