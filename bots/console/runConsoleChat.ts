import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Core } from '../../core/boot.js';
import type { InboundEvent, MediaRef } from '../../core/conversation/types.js';
import { handleInbound } from '../../core/inbox/handleInbound.js';
import { OutboxRelay } from '../../core/outbox/OutboxRelay.js';
import { smsInboundEvent } from '../sms/smsInboundEvent.js';
import { createConsoleSender } from './createConsoleSender.js';
import type { ConsoleSurface } from './drawReply.js';

export interface ConsoleChatOptions {
  surface: ConsoleSurface;
  /** The citizen's address: a phone number, as an SMS or WhatsApp user would have. */
  from: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A terminal gets a prompt and a greeting; piped input is read one message per line. */
  interactive: boolean;
  smsMaxParts: number;
}

const PHOTO_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };
/** A line ":foto <file>" sends that file as a photo, where the imitated channel carries photos. */
const PHOTO_LINE = /^:(?:foto|photo)\s+(.+)$/i;

/**
 * The inbound event a line typed in the terminal becomes, the way the imitated channel's adapter
 * makes it: on `sms` through the SMS adapter's own reading (STOP/MULAI are controls), on
 * `telegram` a chat whose number the platform does not vouch for, on `whatsapp` a number it
 * does. Telegram and WhatsApp carry photos: ":foto ktp.jpg".
 */
export function consoleEvent(
  surface: ConsoleSurface,
  from: string,
  line: string,
  at: Date,
  start = false,
): InboundEvent {
  const externalId = randomUUID();
  if (surface === 'sms') return { ...smsInboundEvent(from, line, externalId, at), start };
  const photo = surface === 'console' ? null : PHOTO_LINE.exec(line.trim());
  const media: MediaRef[] = photo
    ? [
        {
          mimeType: PHOTO_TYPES[path.extname(photo[1]!).toLowerCase()] ?? 'image/jpeg',
          url: new URL(`file://${path.resolve(photo[1]!.trim())}`).href,
        },
      ]
    : [];
  return {
    channel: surface,
    address: from,
    phone: surface === 'telegram' ? undefined : from,
    externalId,
    receivedAt: at,
    text: photo ? '' : line,
    media,
    start,
  };
}

/**
 * A terminal chat as a citizen, through the same inbox, core and outbox as every channel: the
 * messages go in as the imitated channel's (sms, telegram, whatsapp, or the plain console) and
 * the replies come out drawn by that channel's own renderer. Resolves when the input ends.
 */
export async function runConsoleChat(core: Core, options: ConsoleChatOptions): Promise<void> {
  const write = (text: string) => void options.output.write(text);
  const relay = new OutboxRelay({
    prisma: core.db.prisma,
    statements: core.db.statements,
    senders: {
      [options.surface]: createConsoleSender(write, options.surface, core.translator, options.smsMaxParts),
    },
    translator: core.translator,
    logger: core.logger,
    clock: core.clock,
    maxAttempts: 3,
  });
  // Replies that were saved but not shown before an earlier exit; on a real channel's name, the
  // rows of other citizens of that channel are theirs, not this terminal's.
  if (options.surface === 'console') await relay.drainPending();

  const send = async (text: string, start = false) => {
    const event = consoleEvent(options.surface, options.from, text, core.clock(), start);
    const outcome = await handleInbound(core.inbox, event);
    if (outcome.status !== 'handled') return;
    // Rows to this terminal's own address written meanwhile by others (an officer's reply from
    // another terminal, a status notice) are this terminal's too, and go first: its own replies
    // wait behind them, as they would behind any earlier message to the same address.
    const waiting = await core.db.prisma.outboxMessage.findMany({
      where: { channel: event.channel, address: event.address, status: 'pending', id: { notIn: outcome.outboxIds } },
      orderBy: { seq: 'asc' },
      select: { id: true },
    });
    await relay.deliver([...waiting.map((r) => r.id), ...outcome.outboxIds]);
  };

  // A terminal needs the output too, for the prompt and the echo of what is typed.
  const lines = createInterface({
    input: options.input,
    output: options.interactive ? options.output : undefined,
    terminal: options.interactive,
  });
  if (options.interactive) {
    write(`${core.translator.t('id', { key: 'console.intro' })}\n\n`);
    await send('', true);
    lines.setPrompt('> ');
    lines.prompt();
  }
  for await (const text of lines) {
    await send(text);
    if (options.interactive) lines.prompt();
  }
}
