import path from 'node:path';
import { z } from 'zod';

/** Process roles; one process runs all of them unless ROLES splits them. */
export const ROLE_NAMES = ['web', 'worker', 'bot'] as const;
export type Role = (typeof ROLE_NAMES)[number];

const digits = z.string().trim().regex(/^\d+$/, 'must be a whole number');
const positiveInt = (fallback: number) =>
  digits
    .transform(Number)
    .pipe(z.number().int().positive())
    .default(fallback);

const envShape = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional()
    .describe('PostgreSQL URL; unset means embedded PGlite under DATA_DIR'),
  DATA_DIR: z.string().min(1).default('data'),
  CITY_DATA_DIR: z.string().min(1).default('city/default'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
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
  DEFAULT_LANGUAGE: z.enum(['id', 'en']).default('id'),
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
  ANDROID_SMS_GATEWAY_URL: z.string().url().optional(),
  ANDROID_SMS_GATEWAY_USERNAME: z.string().min(1).optional(),
  ANDROID_SMS_GATEWAY_PASSWORD: z.string().min(1).optional(),
  ANDROID_SMS_GATEWAY_SIGNING_KEY: z.string().min(8).optional(),
  OUTBOX_MAX_ATTEMPTS: positiveInt(5),
  OUTBOX_RETRY_BASE_MS: positiveInt(2000),
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
});

/** Every setting LayanKota reads from the environment, validated. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  pgliteDir: string;
  cityDataDir: string;
  redisUrl: string | undefined;
  port: number;
  roles: Role[];
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  defaultLanguage: 'id' | 'en';
  conversationIdleMs: number;
  draftRetentionMs: number;
  inboundMaxChars: number;
  inboundFloodPerMinute: number;
  publicBaseUrl: string | undefined;
  sms: SmsConfig;
  outbox: { maxAttempts: number; retryBaseMs: number };
}

/** Which SMS provider a city uses, and its credentials. */
export type SmsConfig = { ratePerSecond: number; maxParts: number } & (
  | { provider: 'none' }
  | { provider: 'twilio'; accountSid: string; authToken: string; from: string }
  | { provider: 'android'; baseUrl: string; username: string; password: string; signingKey: string }
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
    dataDir,
    pgliteDir: path.join(dataDir, 'pglite'),
    cityDataDir: path.resolve(e.CITY_DATA_DIR),
    redisUrl: e.REDIS_URL,
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
    outbox: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS, retryBaseMs: e.OUTBOX_RETRY_BASE_MS },
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

/** Names of every environment variable read; a test checks the README documents each one. */
export const SETTING_NAMES = Object.keys(envShape.shape) as ReadonlyArray<keyof typeof envShape.shape>;
