import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/log/createLogger.js';

/** What the worker role writes at each heartbeat, and `checkHealth` reads. */
export interface HealthFileContent {
  pid: number;
  /** When the database last took this process's heartbeat (ISO 8601, this machine's clock). */
  beatAt: string;
}

/**
 * Makes the `onBeat` of the outbox relay: each heartbeat the database took is written to `file`
 * (whole, through a rename, so a reader never sees half of it). A heartbeat that comes while the
 * last one is still being written is skipped; a failed write is logged once and tried again at
 * the next heartbeat.
 *
 * @example new OutboxRelay({ ..., onBeat: healthFileWriter('/tmp/layankota-health.json', logger) })
 */
export function healthFileWriter(file: string, logger: Logger): () => void {
  let writing = false;
  let warned = false;
  const temporary = `${file}.${process.pid}.tmp`;
  return () => {
    if (writing) return;
    writing = true;
    const content: HealthFileContent = { pid: process.pid, beatAt: new Date().toISOString() };
    (async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temporary, JSON.stringify(content));
      await rename(temporary, file);
    })()
      .then(() => {
        warned = false;
      })
      .catch((error: unknown) => {
        if (warned) return;
        warned = true;
        logger.warn({ reason: (error as Error).message }, 'HEALTH_FILE not written; the health check will fail');
      })
      .finally(() => {
        writing = false;
      });
  };
}
