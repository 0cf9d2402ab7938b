import path from 'node:path';
import { z } from 'zod';

/** Process roles; one process runs all of them unless ROLES splits them. */
export const ROLE_NAMES = ['web', 'worker', 'bot'] as const;
export type Role = (typeof ROLE_NAMES)[number];

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
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
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ROLES: z
    .string()
    .default('all')
    .transform((value, ctx) => {
      const parts = value
        .split(',')
        .map((p) => p.trim().toLowerCase())
        .filter(Boolean);
      if (parts.length === 0 || parts.includes('all')) return [...ROLE_NAMES];
      const unknown = parts.filter((p) => !(ROLE_NAMES as readonly string[]).includes(p));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown role(s) ${unknown.join(', ')}; use all or a list of ${ROLE_NAMES.join(', ')}`,
        });
        return z.NEVER;
      }
      return parts as Role[];
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_LANGUAGE: z.enum(['id', 'en']).default('id'),
  CONVERSATION_IDLE_MINUTES: positiveInt(30),
  DRAFT_RETENTION_HOURS: positiveInt(72),
  INBOUND_MAX_CHARS: positiveInt(1000),
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
}

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
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const value = cleaned[name];
        return `${name}: ${issue.message}${value === undefined || /URL|TOKEN|SECRET|KEY/.test(name) ? '' : ` (got "${value}")`}`;
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
  };
}

/** Names of every environment variable read; a test checks the README documents each one. */
export const SETTING_NAMES = Object.keys(envSchema.shape) as ReadonlyArray<keyof typeof envSchema.shape>;
