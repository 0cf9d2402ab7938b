import { readFile } from 'node:fs/promises';
import type { Telegram } from 'telegraf';
import { TelegramCallError } from './TelegramCallError.js';

/** The Bot API serves bot downloads up to this size. */
const MAX_BYTES = 20 * 1024 * 1024;

/**
 * Downloads a file a citizen sent, by the file_id in its `tg-file:<file_id>` reference: getFile,
 * then the file from the Bot API server (a self-hosted one in local mode hands a path on its own
 * disk instead). Errors never carry the download URL, which holds the bot token.
 * @example const bytes = await createTelegramFileFetcher(telegram)('AgACAgUAAxkBAAIB...');
 */
export function createTelegramFileFetcher(
  telegram: Pick<Telegram, 'getFileLink' | 'token'>,
): (fileId: string) => Promise<Buffer> {
  return async (fileId) => {
    let link: URL;
    try {
      link = await telegram.getFileLink(fileId);
    } catch (error) {
      throw TelegramCallError.from(error, 'getFile', telegram.token);
    }
    if (link.protocol === 'file:') return readFile(link);
    const response = await fetch(link, { signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => {
      throw TelegramCallError.from(error, 'file download', telegram.token);
    });
    if (!response.ok)
      throw new TelegramCallError(`Telegram file download: ${response.status}`, response.status, undefined);
    if (Number(response.headers.get('content-length') ?? 0) > MAX_BYTES) {
      throw new TelegramCallError('Telegram file download: larger than 20 MB', undefined, undefined);
    }
    return Buffer.from(await response.arrayBuffer());
  };
}
