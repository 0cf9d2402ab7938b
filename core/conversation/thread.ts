import type { Prisma } from '../generated/prisma/client.js';
import type { ConversationState } from './types.js';
import { restoreState } from './initialState.js';

/** An officer's reply thread: the citizen's next free text goes to them while the case is open. */
export type Thread = NonNullable<ConversationState['thread']>;

/**
 * The state with an officer's thread open: the citizen is brought back to the menu, where free
 * text is read as the answer to that officer.
 */
export function withThread(state: ConversationState, thread: Thread): ConversationState {
  return { ...state, flow: { name: 'menu' }, options: [], thread };
}

/**
 * Opens the thread on the citizen's stored conversation, in the caller's transaction. The row
 * lock keeps a message of theirs arriving at this moment from overwriting it. A citizen with no
 * conversation yet (their case came through Open311) has no dialogue to thread.
 */
export async function openThread(tx: Prisma.TransactionClient, citizenId: string, thread: Thread): Promise<void> {
  const [locked] = await tx.$queryRaw<Array<{ state: unknown; language: string }>>`
    SELECT c."state", z.language::text AS language FROM "Conversation" c JOIN "Citizen" z ON z.id = c."citizenId"
    WHERE c."citizenId" = ${citizenId}::uuid FOR UPDATE OF c`;
  if (!locked) return;
  const state = withThread(restoreState(locked.state, locked.language as ConversationState['lang']), thread);
  await tx.conversation.update({
    where: { citizenId },
    data: { state: state as unknown as Prisma.InputJsonValue },
  });
}
