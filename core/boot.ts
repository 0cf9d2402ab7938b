import path from 'node:path';
import type { ChannelCapabilityMap } from './channels/capabilities.js';
import { cityWarnings } from './city/cityWarnings.js';
import { loadCityData, type CityData } from './city/loadCityData.js';
import { fetchMedia, type MediaFetcher } from './media/storeMedia.js';
import { syncCityData } from './city/syncCityData.js';
import type { Config } from './config/loadConfig.js';
import type { Lang } from './conversation/types.js';
import { migrate, withMigrationLock } from './db/migrate.js';
import { databaseOptionsOf, openDatabase, type Database } from './db/openDatabase.js';
import { createTranslator, type Translator } from './i18n/createTranslator.js';
import { loadLexicon } from './i18n/loadWords.js';
import type { InboxDeps } from './inbox/handleInbound.js';
import { createLogger, type Logger } from './log/createLogger.js';

/** The core's shared parts, built once per process. */
export interface Core {
  config: Config;
  city: CityData;
  db: Database;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /**
   * The language of a citizen who has not chosen one, resolved once: DEFAULT_LANGUAGE when set,
   * else the city's `defaultLanguage` (itself `id` when unset). Everyone reads this one.
   */
  defaultLanguage: Lang;
  /** The city data's warnings as of now (the clock's): a holiday list running out, a missing region. */
  cityWarnings(): string[];
  inbox: InboxDeps;
  close(): Promise<void>;
}

/**
 * Loads the city's data, opens the database (PostgreSQL or embedded PGlite), applies pending
 * migrations, mirrors the catalogue and prepares the translator. Fails fast with a clear error.
 */
export async function boot(
  config: Config,
  /**
   * `fetchMedia` also reads the channels' own media references (Telegram's `tg-file:`, say);
   * `channels` are the capabilities of the channels this process receives on (bots/channels.ts),
   * none for a process that only reads and writes the database (the CLIs).
   */
  options: { logger?: Logger; clock?: () => Date; fetchMedia?: MediaFetcher; channels?: ChannelCapabilityMap } = {},
): Promise<Core> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? (() => new Date());
  const city = loadCityData(config.cityDataDir);
  const defaultLanguage = config.defaultLanguage ?? city.defaultLanguage;
  const translator = await createTranslator();
  const words = loadLexicon();
  const db = await openDatabase({
    ...databaseOptionsOf(config),
    onConnectionError: (error) =>
      logger.warn({ reason: error.message }, 'database connection lost; the pool reconnects'),
  });
  try {
    // Under one lock: of processes starting together on a fresh database, the first migrates and
    // syncs, the others wait and find both done.
    await withMigrationLock(db.sql, async () => {
      const { applied } = await migrate(db.sql);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
      const sync = await syncCityData(db.sql, city, clock());
      if (sync.synced)
        logger.info({ city: city.name, retired: sync.retired, deleted: sync.deleted }, 'city data synced');
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const { warnings, notices } = cityWarnings(city, clock());
  for (const warning of warnings) logger.warn({ warning }, 'city data needs attention');
  for (const notice of notices) logger.info({ notice }, 'city data');
  logger.debug({ database: db.kind, city: city.name }, 'core ready');
  return {
    config,
    city,
    db,
    translator,
    logger,
    clock,
    defaultLanguage,
    cityWarnings: () => cityWarnings(city, clock()).warnings,
    inbox: {
      prisma: db.prisma,
      db,
      city,
      logger,
      clock,
      idleTimeoutMs: config.conversationIdleMs,
      draftRetentionMs: config.draftRetentionMs,
      defaultLanguage,
      maxChars: config.inboundMaxChars,
      floodPerMinute: config.inboundFloodPerMinute,
      mediaDir: path.join(config.dataDir, 'media'),
      fetchMedia: options.fetchMedia ?? fetchMedia,
      words,
      channels: options.channels ?? {},
      // DATA SAYA links point at the web role: its public address, or this machine's port.
      publicBaseUrl: (config.publicBaseUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, ''),
    },
    close: () => db.close(),
  };
}
