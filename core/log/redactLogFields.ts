import { maskPhone } from '../domain/mask.js';

/** What an unknown log field is written as. */
export const REDACTED = '[redacted]';

/**
 * Log fields written as they are: names of things, counts, durations, statuses and ids that say
 * nothing about a person (an officer's or an outbox row's id, a tracking number, a provider's
 * message id). Built from every `logger.*` call in app/, core/ and bots/; a field that is not here
 * is written as `[redacted]`, so a new field is safe until someone decides it may be shown.
 */
const SAFE_FIELDS = new Set([
  'applied',
  'attempt',
  'attempts',
  'bot',
  'cases',
  'category',
  'channel',
  'city',
  'command',
  'database',
  'decision',
  'delayMs',
  'durationMs',
  'errorType',
  'escalations',
  'externalId',
  'failed',
  'late',
  'limit',
  'linked',
  'method',
  'notice',
  'officerId',
  'optOut',
  'outboxId',
  'outcome',
  'port',
  'providerMessageId',
  'qrFile',
  'queue',
  'queues',
  'recent',
  'released',
  'requeued',
  'role',
  'roles',
  'rows',
  'sms',
  'status',
  'streams',
  'task',
  'telegram',
  'timeoutMs',
  'timerId',
  'trackingNumber',
  'type',
  'updateId',
  'via',
  'warning',
  'whatsapp',
]);

/** Fields holding a person's address (phone number, chat id, email): masked to their last 4 characters. */
const ADDRESS_FIELDS = new Set(['address', 'phone', 'from', 'to']);

/** Free text that may quote what a person sent (error reasons, provider details): masked with `maskLogText`. */
const TEXT_FIELDS = new Set(['reason', 'detail', 'path', 'url']);

/** Fields holding an error: reduced to its type, code, message and stack, the last two masked. */
const ERROR_FIELDS = new Set(['err', 'error']);

const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;
/** Eight digits or more, with the spaces, dots and dashes people write numbers with: phone numbers, NIKs, NOPs. */
const LONG_NUMBER = /\+?\d(?:[\s.-]?\d){7,}/g;
/** A long run of letters and digits (both): API keys, bot tokens, session tokens, app secrets. */
const TOKEN = /[A-Za-z0-9_-]{20,}/g;

/**
 * Masks what may be personal or secret in free text: emails become `[email]`, long numbers show
 * only their last 4 digits, and long runs of letters and digits (keys and tokens) become `[secret]`.
 * @example maskLogText('no citizen 6281234567890 (a@b.id)') // 'no citizen *********7890 ([email])'
 */
export function maskLogText(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(TOKEN, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? '[secret]' : run))
    .replace(LONG_NUMBER, (run) => maskPhone(run.replace(/\D/g, '')));
}

/** A value of a safe field: primitives and lists of them as they are, anything nested replaced. */
function safeValue(value: unknown): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  if (Array.isArray(value) && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    return value;
  }
  return REDACTED;
}

/** An error as it may be logged: its type, code, and message and stack masked; causes the same way. */
export function reduceError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? maskLogText(error) : REDACTED;
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: maskLogText(error.message),
    ...(error.stack ? { stack: maskLogText(error.stack) } : {}),
    ...(cause !== undefined && depth < 3 ? { cause: reduceError(cause, depth + 1) } : {}),
  };
}

/**
 * A log call's fields as they may be written: by an allow-list, not a deny-list. Safe fields as
 * they are, addresses masked to their last 4 characters, free text and errors masked, anything
 * else `[redacted]`.
 * @example redactLogFields({ channel: 'sms', address: '6281234567890', body: {...} })
 *   // { channel: 'sms', address: '*********7890', body: '[redacted]' }
 */
export function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SAFE_FIELDS.has(key)) out[key] = safeValue(value);
    else if (ADDRESS_FIELDS.has(key)) out[key] = typeof value === 'string' ? maskPhone(value) : REDACTED;
    else if (TEXT_FIELDS.has(key)) out[key] = typeof value === 'string' ? maskLogText(value) : REDACTED;
    else if (ERROR_FIELDS.has(key)) out[key] = reduceError(value);
    else out[key] = REDACTED;
  }
  return out;
}
