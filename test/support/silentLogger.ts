import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/log/createLogger.js';

/** A real logger whose lines are kept in memory, so tests can read what would have been logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}
