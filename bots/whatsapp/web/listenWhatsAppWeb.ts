import type { Client, Message } from 'whatsapp-web.js';
import type { InboundEvent } from '../../../core/conversation/types.js';
import type { Logger } from '../../../core/log/createLogger.js';
import { parseWhatsAppWebMessage } from './parseWhatsAppWebMessage.js';

export interface ListenOptions {
  /** Runs one citizen's message through the core; given by the app, which owns the inbox. */
  onInbound: (event: InboundEvent) => Promise<void>;
  logger: Logger;
  clock: () => Date;
}

/**
 * Hands each message a citizen writes on the session to `onInbound`, as a neutral event; groups,
 * status updates, broadcasts and our own messages stop here. Messages of one chat are handed on
 * in the order they came, so "pbb" is read before the NOP typed right after it. A failure is
 * logged, never thrown into the client. Returns a function that stops listening.
 * @example const stop = listenWhatsAppWeb(client, { onInbound, logger, clock: () => new Date() });
 */
export function listenWhatsAppWeb(client: Client, options: ListenOptions): () => void {
  const { onInbound, logger, clock } = options;
  const queues = new Map<string, Promise<void>>();
  const onMessage = (message: Message) => {
    const event = parseWhatsAppWebMessage(message, clock());
    if (!event) return;
    const previous = queues.get(event.address) ?? Promise.resolve();
    const current = previous
      .then(() => onInbound(event))
      .catch((error: unknown) =>
        logger.error({ err: error, channel: 'whatsapp', address: event.address }, 'WhatsApp message not handled'),
      )
      .finally(() => {
        if (queues.get(event.address) === current) queues.delete(event.address);
      });
    queues.set(event.address, current);
  };
  client.on('message', onMessage);
  return () => void client.off('message', onMessage);
}
