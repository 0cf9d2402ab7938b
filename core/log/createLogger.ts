import { pino, type Logger, type DestinationStream } from 'pino';
import { maskLogText, redactLogFields } from './redactLogFields.js';

export type { Logger };

/**
 * The one logger: JSON lines whose fields pass an allow-list (`redactLogFields`): known-safe
 * fields as they are, addresses (phone numbers, chat ids) masked to their last 4 characters,
 * errors reduced to type, message and stack with personal data masked, anything else replaced.
 * Messages are masked the same way as free text.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Errors are reduced by redactLogFields before serializers run; pino's own would copy every property.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          // Values for %s and the like are not written: they would pass unmasked.
          const [first, ...rest] = args as unknown[];
          if (typeof first === 'string') {
            method.apply(this, [maskLogText(first)] as Parameters<typeof method>);
            return;
          }
          // An error, or fields with one, and no message: pino would write the error's message unmasked.
          const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
          const message = typeof rest[0] === 'string' ? rest[0] : error instanceof Error ? error.message : undefined;
          const fields = first instanceof Error ? { err: first } : first;
          method.apply(this, [fields, ...(message === undefined ? [] : [maskLogText(message)])] as Parameters<
            typeof method
          >);
        },
      },
      formatters: {
        log: (object) => redactLogFields(object),
      },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
