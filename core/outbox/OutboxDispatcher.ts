import type { ChannelName } from '../conversation/types.js';

/** Hands freshly committed outbox rows to whatever delivers them: a queue, or this process. */
export interface OutboxDispatcher {
  dispatch(rows: ReadonlyArray<{ id: string; channel: ChannelName }>): Promise<void>;
  close(): Promise<void>;
}
