import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Core } from '../../core/boot.js';
import { handleInbound } from '../../core/inbox/handleInbound.js';
import { OutboxRelay } from '../../core/outbox/OutboxRelay.js';
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

/**
 * A terminal chat as a citizen, through the same inbox, core and outbox as every channel.
 * Resolves when the input ends.
 */
export async function runConsoleChat(core: Core, options: ConsoleChatOptions): Promise<void> {
  const write = (text: string) => void options.output.write(text);
  const relay = new OutboxRelay({
    prisma: core.db.prisma,
    senders: { console: createConsoleSender(write, options.surface, core.translator, options.smsMaxParts) },
    translator: core.translator,
    logger: core.logger,
    clock: core.clock,
    maxAttempts: 3,
  });
  // Replies that were saved but not shown before an earlier exit.
  await relay.drainPending();

  const send = async (text: string, start = false) => {
    const outcome = await handleInbound(core.inbox, {
      channel: 'console',
      address: options.from,
      // An SMS or WhatsApp user's number is known to the platform; a plain console user's is not.
      phone: options.surface === 'sms' || options.surface === 'whatsapp' ? options.from : undefined,
      externalId: randomUUID(),
      receivedAt: core.clock(),
      text,
      start,
    });
    if (outcome.status === 'handled') await relay.deliver(outcome.outboxIds);
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
