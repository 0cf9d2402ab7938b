import path from 'node:path';
import { z } from 'zod';
import { checkRedisSettings, redisConfig, redisSettings, type RedisConfig } from './redisConfig.js';

/** Process roles; one process runs all of them unless ROLES splits them. */
export const ROLE_NAMES = ['web', 'worker', 'bot'] as const;
export type Role = (typeof ROLE_NAMES)[number];

const digits = z.string().trim().regex(/^\d+$/, 'must be a whole number');
const positiveInt = (fallback: number) => digits.transform(Number).pipe(z.number().int().positive()).default(fallback);

const envShape = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional()
    .describe('PostgreSQL URL; unset means embedded PGlite under DATA_DIR'),
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional()
    .describe('PostgreSQL itself for migrations when DATABASE_URL goes through PgBouncer'),
  DATABASE_POOL_MAX: positiveInt(10),
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .optional()
    .describe('named prepared statements on the message path; unset: true unless DATABASE_DIRECT_URL is set'),
  DATABASE_POOL_TIMEOUT_SECONDS: digits.transform(Number).pipe(z.number().int().positive()).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  CITY_DATA_DIR: z.string().min(1).default('city/default'),
  ...redisSettings,
  PORT: digits.transform(Number).pipe(z.number().int().min(0).max(65535)).default(3000),
  ROLES: z
    .string()
    .default('all')
    .transform((value, ctx) => {
      const parts = value
        .split(',')
        .map((p) => p.trim().toLowerCase())
        .filter(Boolean);
      if (parts.length === 0 || parts.includes('all')) return [...ROLE_NAMES];
      const unique = [...new Set(parts)];
      const unknown = unique.filter((p) => !(ROLE_NAMES as readonly string[]).includes(p));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown role(s) ${unknown.join(', ')}; use all or a list of ${ROLE_NAMES.join(', ')}`,
        });
        return z.NEVER;
      }
      return unique as Role[];
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_LANGUAGE: z.enum(['id', 'en']).optional(),
  CONVERSATION_IDLE_MINUTES: positiveInt(30),
  DRAFT_RETENTION_HOURS: positiveInt(72),
  INBOUND_MAX_CHARS: positiveInt(1000),
  INBOUND_FLOOD_PER_MINUTE: positiveInt(12),
  PUBLIC_BASE_URL: z
    .string()
    .url('must be an http(s) URL such as https://layanan.kota.go.id')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  SMS_PROVIDER: z.enum(['none', 'twilio', 'android']).default('none'),
  SMS_RATE_PER_SECOND: z.coerce.number().positive().default(1),
  SMS_MAX_PARTS: positiveInt(3),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'is too short to be a Twilio auth token').optional(),
  TWILIO_FROM: z.string().min(3).optional(),
  TWILIO_API_ROOT: z
    .string()
    .url('must be an http(s) URL such as https://api.twilio.com')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://api.twilio.com'),
  ANDROID_SMS_GATEWAY_URL: z.string().url().optional(),
  ANDROID_SMS_GATEWAY_USERNAME: z.string().min(1).optional(),
  ANDROID_SMS_GATEWAY_PASSWORD: z.string().min(1).optional(),
  ANDROID_SMS_GATEWAY_SIGNING_KEY: z.string().min(8).optional(),
  WHATSAPP_MODE: z.enum(['none', 'web', 'cloud']).default('none'),
  WHATSAPP_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  WHATSAPP_CLOUD_TOKEN: z.string().min(16, 'is too short to be a Graph API access token').optional(),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d+$/, 'must be the numeric phone number id shown in WhatsApp Manager')
    .optional(),
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(16, 'is too short to be a Meta app secret').optional(),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  WHATSAPP_CLOUD_API_ROOT: z
    .string()
    .url('must be an http(s) URL such as https://graph.facebook.com/v21.0')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://graph.facebook.com/v21.0'),
  WHATSAPP_NOTIFICATION_TEMPLATE: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'must be a template name: lower-case letters, digits and _')
    .optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\d+:[\w-]{30,}$/, 'must look like 123456789:AA... as BotFather gives it')
    .optional(),
  TELEGRAM_API_ROOT: z
    .string()
    .url('must be an http(s) URL such as https://api.telegram.org')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  TELEGRAM_RATE_PER_SECOND: z.coerce.number().positive().default(25),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  EMAIL_FROM: z.string().min(3).default('LayanKota <layankota@localhost>'),
  SLA_RECONCILE_MINUTES: positiveInt(10),
  RECOVERY_SWEEP_SECONDS: positiveInt(15),
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt(10),
  HEALTH_FILE: z.string().min(1).optional(),
  OUTBOX_MAX_ATTEMPTS: positiveInt(5),
  OUTBOX_RETRY_BASE_MS: positiveInt(2000),
  NODE_ENV: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters, e.g. from openssl rand -hex 32').optional(),
  OPEN311_API_KEYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]{16,}$/, 'each key must be 16 or more of A-Z, a-z, 0-9, _ and -'))),
  TV_WALL_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{24,}$/, 'must be 24 or more characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  EVENT_STREAMS_PER_OFFICER: positiveInt(5),
  TV_WALL_STREAMS: positiveInt(100),
  TV_WALL_STREAMS_PER_CLIENT: positiveInt(10),
  EXPORT_MAX_ROWS: positiveInt(50_000),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const v = value.trim().toLowerCase();
      if (v === 'false' || v === '0') return false;
      if (v === 'true') return true;
      if (/^\d+$/.test(v)) return Number(v);
      const list = v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      if (list.every((p) => /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/.test(p))) return list;
      ctx.addIssue({
        code: 'custom',
        message: 'must be false, true, a number of proxies, or a list of addresses/subnets (loopback, 10.0.0.0/8, ...)',
      });
      return z.NEVER;
    }),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_LOGIN_REQUEST: positiveInt(10),
  RATE_LIMIT_LOGIN_VERIFY: positiveInt(20),
  RATE_LIMIT_OPEN311_READ: positiveInt(120),
  RATE_LIMIT_OPEN311_WRITE: positiveInt(20),
  RATE_LIMIT_EVENTS: positiveInt(30),
  RATE_LIMIT_WEBHOOKS: positiveInt(1200),
});

const envSchema = envShape.superRefine((e, ctx) => {
  const need = (names: Array<keyof typeof e>, why: string) => {
    for (const name of names) {
      if (e[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
    }
  };
  if (e.SMS_PROVIDER === 'twilio') {
    need(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'PUBLIC_BASE_URL'], 'when SMS_PROVIDER=twilio');
  }
  if (e.SMS_PROVIDER === 'android') {
    need(
      [
        'ANDROID_SMS_GATEWAY_URL',
        'ANDROID_SMS_GATEWAY_USERNAME',
        'ANDROID_SMS_GATEWAY_PASSWORD',
        'ANDROID_SMS_GATEWAY_SIGNING_KEY',
      ],
      'when SMS_PROVIDER=android',
    );
  }
  if (e.WHATSAPP_MODE === 'cloud') {
    need(
      [
        'WHATSAPP_CLOUD_TOKEN',
        'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
        'WHATSAPP_CLOUD_APP_SECRET',
        'WHATSAPP_CLOUD_VERIFY_TOKEN',
      ],
      'when WHATSAPP_MODE=cloud',
    );
  }
  if (e.DATABASE_DIRECT_URL !== undefined) need(['DATABASE_URL'], 'when DATABASE_DIRECT_URL is set');
  if (e.NODE_ENV === 'production') need(['SESSION_SECRET'], 'when NODE_ENV=production');
  checkRedisSettings(e, ctx);
  if (e.TELEGRAM_BOT_TOKEN !== undefined && e.TELEGRAM_MODE === 'webhook') {
    need(['TELEGRAM_WEBHOOK_SECRET', 'PUBLIC_BASE_URL'], 'when TELEGRAM_MODE=webhook');
  }
});

/** Every setting LayanKota reads from the environment, validated. */
export interface Config {
  databaseUrl: string | undefined;
  /** DATABASE_DIRECT_URL: PostgreSQL itself, for migrations and their lock (DATABASE_URL may be PgBouncer). */
  databaseDirectUrl: string | undefined;
  /**
   * The PostgreSQL pool: at most `max` connections; `connectTimeoutMs` unset waits without
   * limit; `preparedStatements`: the message path's statements named (DATABASE_PREPARED_STATEMENTS;
   * unset: off when DATABASE_DIRECT_URL says DATABASE_URL is a PgBouncer, which before 1.21 keeps
   * no prepared statement across transactions).
   */
  databasePool: { max: number; connectTimeoutMs: number | undefined; preparedStatements: boolean };
  dataDir: string;
  pgliteDir: string;
  cityDataDir: string;
  /** Null when no Redis is configured: no queues, messages go out from the process. */
  redis: RedisConfig | null;
  port: number;
  roles: Role[];
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** DEFAULT_LANGUAGE when set; unset: the city's `defaultLanguage` decides (see Core.defaultLanguage). */
  defaultLanguage: 'id' | 'en' | undefined;
  conversationIdleMs: number;
  draftRetentionMs: number;
  inboundMaxChars: number;
  inboundFloodPerMinute: number;
  publicBaseUrl: string | undefined;
  sms: SmsConfig;
  whatsapp: WhatsAppConfig;
  /** Null when TELEGRAM_BOT_TOKEN is unset: the Telegram channel is off. */
  telegram: TelegramConfig | null;
  outbox: { maxAttempts: number; retryBaseMs: number };
  /** Email for notifications and escalations; off when SMTP_URL is unset. */
  email: { smtpUrl: string; from: string } | null;
  slaReconcileMs: number;
  /**
   * How often the worker compares the database with Redis: due messages without a live job,
   * overdue cases without their escalation, and whether Redis lost its data.
   */
  recoverySweepMs: number;
  /** How long a stop (SIGTERM, SIGINT) may take before the process exits regardless, saying what hung. */
  shutdownTimeoutMs: number;
  /**
   * Where the worker role writes each heartbeat it got into the database (HEALTH_FILE), for
   * app/healthcheck.ts; undefined: nowhere.
   */
  healthFile: string | undefined;
  commandCenter: CommandCenterConfig;
  http: HttpEdgeConfig;
}

/**
 * The web role's edge: which proxies in front are trusted to say the client's address
 * (`X-Forwarded-For`; off by default, so the address is the connection's), and how many requests
 * one client may make per window on each limited route.
 */
export interface HttpEdgeConfig {
  /** Express's `trust proxy`: false, true (any), a number of proxies, or their addresses/subnets. */
  trustProxy: boolean | number | string[];
  rateLimits: RateLimitConfig;
}

/** Requests per client per window; over it a request gets 429 with Retry-After. */
export interface RateLimitConfig {
  windowMs: number;
  loginRequest: number;
  loginVerify: number;
  open311Read: number;
  open311Write: number;
  /** New event-stream connections. */
  events: number;
  /** Per webhook route: providers send bursts from few addresses. */
  webhooks: number;
}

/**
 * The Command Center's secrets: the key that signs officers' session cookies (unset: a random
 * one per process start), the Open311 clients' API keys, and the TV wall's token (unset: open);
 * and how many live event streams one web process keeps, per viewer.
 */
export interface CommandCenterConfig {
  sessionSecret: string | undefined;
  open311ApiKeys: string[];
  tvWallToken: string | undefined;
  /**
   * Each officer has `perOfficer` streams of their own; the TV wall (and anyone without a
   * sign-in) shares `tvWall`, at most `tvWallPerClient` per client address.
   */
  streams: { perOfficer: number; tvWall: number; tvWallPerClient: number };
  /** The most rows one export holds (EXPORT_MAX_ROWS); a process with a capped heap needs fewer. */
  exportMaxRows: number;
}

/** Which SMS provider a city uses, and its credentials. */
export type SmsConfig = { ratePerSecond: number; maxParts: number } & (
  | { provider: 'none' }
  | { provider: 'twilio'; accountSid: string; authToken: string; from: string; apiRoot: string }
  | { provider: 'android'; baseUrl: string; username: string; password: string; signingKey: string }
);

/**
 * How the city reaches WhatsApp: a phone's WhatsApp Web session (whatsapp-web.js, logged in by
 * QR code) or the Cloud API of a verified WhatsApp Business number.
 */
export type WhatsAppConfig = { ratePerSecond: number } & (
  | { mode: 'none' }
  | { mode: 'web'; chromiumPath: string; sessionDir: string }
  | {
      mode: 'cloud';
      token: string;
      phoneNumberId: string;
      appSecret: string;
      verifyToken: string;
      apiRoot: string;
      /** Approved template sent instead of a message outside the 24-hour window; none means such a send fails. */
      notificationTemplate: string | undefined;
    }
);

/**
 * The city's Telegram bot: its token, the Bot API server (Telegram's own or a self-hosted one),
 * and how updates arrive: long polling, or a webhook at PUBLIC_BASE_URL/webhooks/telegram.
 */
export type TelegramConfig = { token: string; apiRoot: string; ratePerSecond: number } & (
  { mode: 'polling' } | { mode: 'webhook'; webhookSecret: string }
);

/** Thrown when the environment is invalid; the message names each variable and what is wrong. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment once at start.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset, as docker-compose and shells often pass them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const value = cleaned[name];
        return `${name}: ${issue.message}${value === undefined || /URL|TOKEN|SECRET|KEY|PASSWORD|SID/.test(name) ? '' : ` (got "${value}")`}`;
      }),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    databaseDirectUrl: e.DATABASE_DIRECT_URL,
    databasePool: {
      max: e.DATABASE_POOL_MAX,
      connectTimeoutMs:
        e.DATABASE_POOL_TIMEOUT_SECONDS === undefined ? undefined : e.DATABASE_POOL_TIMEOUT_SECONDS * 1000,
      preparedStatements:
        e.DATABASE_PREPARED_STATEMENTS === undefined
          ? e.DATABASE_DIRECT_URL === undefined
          : e.DATABASE_PREPARED_STATEMENTS === 'true',
    },
    dataDir,
    pgliteDir: path.join(dataDir, 'pglite'),
    cityDataDir: path.resolve(e.CITY_DATA_DIR),
    redis: redisConfig(e),
    port: e.PORT,
    roles: e.ROLES,
    logLevel: e.LOG_LEVEL,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    conversationIdleMs: e.CONVERSATION_IDLE_MINUTES * 60_000,
    draftRetentionMs: e.DRAFT_RETENTION_HOURS * 3_600_000,
    inboundMaxChars: e.INBOUND_MAX_CHARS,
    inboundFloodPerMinute: e.INBOUND_FLOOD_PER_MINUTE,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    sms: smsConfig(e),
    whatsapp: whatsappConfig(e, dataDir),
    telegram: telegramConfig(e),
    outbox: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS, retryBaseMs: e.OUTBOX_RETRY_BASE_MS },
    email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.EMAIL_FROM } : null,
    slaReconcileMs: e.SLA_RECONCILE_MINUTES * 60_000,
    recoverySweepMs: e.RECOVERY_SWEEP_SECONDS * 1000,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    healthFile: e.HEALTH_FILE === undefined ? undefined : path.resolve(e.HEALTH_FILE),
    commandCenter: {
      sessionSecret: e.SESSION_SECRET,
      open311ApiKeys: e.OPEN311_API_KEYS,
      tvWallToken: e.TV_WALL_TOKEN,
      streams: {
        perOfficer: e.EVENT_STREAMS_PER_OFFICER,
        tvWall: e.TV_WALL_STREAMS,
        tvWallPerClient: e.TV_WALL_STREAMS_PER_CLIENT,
      },
      exportMaxRows: e.EXPORT_MAX_ROWS,
    },
    http: {
      trustProxy: e.TRUST_PROXY,
      rateLimits: {
        windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000,
        loginRequest: e.RATE_LIMIT_LOGIN_REQUEST,
        loginVerify: e.RATE_LIMIT_LOGIN_VERIFY,
        open311Read: e.RATE_LIMIT_OPEN311_READ,
        open311Write: e.RATE_LIMIT_OPEN311_WRITE,
        events: e.RATE_LIMIT_EVENTS,
        webhooks: e.RATE_LIMIT_WEBHOOKS,
      },
    },
  };
}

function smsConfig(e: z.infer<typeof envSchema>): SmsConfig {
  const limits = { ratePerSecond: e.SMS_RATE_PER_SECOND, maxParts: e.SMS_MAX_PARTS };
  switch (e.SMS_PROVIDER) {
    case 'twilio':
      return {
        ...limits,
        provider: 'twilio',
        accountSid: e.TWILIO_ACCOUNT_SID!,
        authToken: e.TWILIO_AUTH_TOKEN!,
        from: e.TWILIO_FROM!,
        apiRoot: e.TWILIO_API_ROOT,
      };
    case 'android':
      return {
        ...limits,
        provider: 'android',
        baseUrl: e.ANDROID_SMS_GATEWAY_URL!.replace(/\/+$/, ''),
        username: e.ANDROID_SMS_GATEWAY_USERNAME!,
        password: e.ANDROID_SMS_GATEWAY_PASSWORD!,
        signingKey: e.ANDROID_SMS_GATEWAY_SIGNING_KEY!,
      };
    default:
      return { ...limits, provider: 'none' };
  }
}

function whatsappConfig(e: z.infer<typeof envSchema>, dataDir: string): WhatsAppConfig {
  const ratePerSecond = e.WHATSAPP_RATE_PER_SECOND;
  switch (e.WHATSAPP_MODE) {
    case 'web':
      return { ratePerSecond, mode: 'web', chromiumPath: e.CHROMIUM_PATH, sessionDir: path.join(dataDir, 'whatsapp') };
    case 'cloud':
      return {
        ratePerSecond,
        mode: 'cloud',
        token: e.WHATSAPP_CLOUD_TOKEN!,
        phoneNumberId: e.WHATSAPP_CLOUD_PHONE_NUMBER_ID!,
        appSecret: e.WHATSAPP_CLOUD_APP_SECRET!,
        verifyToken: e.WHATSAPP_CLOUD_VERIFY_TOKEN!,
        apiRoot: e.WHATSAPP_CLOUD_API_ROOT,
        notificationTemplate: e.WHATSAPP_NOTIFICATION_TEMPLATE,
      };
    default:
      return { ratePerSecond, mode: 'none' };
  }
}

function telegramConfig(e: z.infer<typeof envSchema>): TelegramConfig | null {
  if (e.TELEGRAM_BOT_TOKEN === undefined) return null;
  const bot = { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT, ratePerSecond: e.TELEGRAM_RATE_PER_SECOND };
  return e.TELEGRAM_MODE === 'webhook'
    ? { ...bot, mode: 'webhook', webhookSecret: e.TELEGRAM_WEBHOOK_SECRET! }
    : { ...bot, mode: 'polling' };
}

/** Names of every environment variable read; a test checks the README documents each one. */
export const SETTING_NAMES = Object.keys(envShape.shape) as ReadonlyArray<keyof typeof envShape.shape>;
