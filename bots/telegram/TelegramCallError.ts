import { TelegramError } from 'telegraf';

/**
 * A failed Bot API call, in words safe to log and to store as an outbox row's last error: the
 * method and Telegram's answer, never the bot token (it is part of every API URL) nor the
 * message text. `retryAfterMs` is set when Telegram answered 429 Too Many Requests with
 * `retry_after`: the call may be made again after that long.
 * @example throw TelegramCallError.from(error, 'sendMessage', token) // "Telegram sendMessage: 429: Too Many Requests: retry after 3"
 */
export class TelegramCallError extends Error {
  override name = 'TelegramCallError';

  constructor(
    message: string,
    /** Telegram's error_code (an HTTP status), when Telegram answered at all. */
    readonly code: number | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }

  /** Wraps whatever a telegraf call threw, keeping only what is safe to keep. */
  static from(error: unknown, method: string, token: string): TelegramCallError {
    if (error instanceof TelegramCallError) return error;
    const said = error instanceof Error ? error.message : String(error);
    // telegraf already redacts the token from network errors; this also covers anything else.
    const message = `Telegram ${method}: ${said.split(token).join('[redacted]')}`;
    if (error instanceof TelegramError) {
      const retryAfter = error.parameters?.retry_after;
      return new TelegramCallError(message, error.code, retryAfter === undefined ? undefined : retryAfter * 1000);
    }
    return new TelegramCallError(message, undefined, undefined);
  }
}
