import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHANNEL_CAPABILITIES } from '../../bots/channels.js';
import type { InboxDeps } from '../../core/inbox/handleInbound.js';
import { fetchMedia } from '../../core/media/storeMedia.js';
import { captureLogger } from './silentLogger.js';
import { defaultCity, defaultWords, type TestDatabase } from './testDatabase.js';

/**
 * The inbox's dependencies over a test database with the default city and words, the app's
 * defaults (30 minutes idle, drafts kept 72 hours, 1,000 characters, 12 messages a minute) and a
 * captured log, its lines in `logLines`.
 */
export function inboxDeps(
  db: TestDatabase,
  overrides: Partial<InboxDeps> & Pick<InboxDeps, 'clock'>,
): { deps: InboxDeps; logLines: string[] } {
  const captured = captureLogger();
  const deps: InboxDeps = {
    prisma: db.prisma,
    db,
    city: defaultCity,
    logger: captured.logger,
    idleTimeoutMs: 30 * 60_000,
    draftRetentionMs: 72 * 3_600_000,
    defaultLanguage: 'id',
    maxChars: 1000,
    floodPerMinute: 12,
    mediaDir: path.join(tmpdir(), `lk-media-${db.kind}-${process.pid}`),
    fetchMedia,
    words: defaultWords,
    channels: CHANNEL_CAPABILITIES,
    ...overrides,
  };
  return { deps, logLines: captured.lines };
}
