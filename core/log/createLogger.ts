import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPhone } from '../domain/mask.js';

export type { Logger };

/** Log keys whose values are secrets or personal data; pino replaces them before writing. */
const REDACT_PATHS = [
  '*.token',
  '*.authToken',
  '*.password',
  '*.secret',
  '*.nik',
  'nik',
  'token',
  'authToken',
  'password',
  'secret',
];

/**
 * The one logger: JSON lines, secrets censored, addresses (phone numbers, chat ids) masked to
 * their last 4 characters wherever they appear under the key `address` or `phone`.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        log(object) {
          const out: Record<string, unknown> = { ...object };
          for (const key of ['address', 'phone', 'from', 'to']) {
            if (typeof out[key] === 'string') out[key] = maskPhone(out[key] as string);
          }
          return out;
        },
      },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
