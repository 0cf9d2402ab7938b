import { restoreState } from '../conversation/initialState.js';
import { step } from '../conversation/step.js';
import type { ConversationState, InboundEvent, Lang, Reply, StepContext, StepEvent } from '../conversation/types.js';
import { statement, type SqlSession } from '../db/statements.js';
import { normalizePhone } from '../domain/phone.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { OfficerCommand } from '../officers/parseOfficerCommand.js';
import { answers, runAnswering, runWriting, type EffectRun, type WritingEffect } from './effectHandlers.js';
import { holdInbound, recordAndDecide } from './floodGate.js';
import { recordInbound } from './inboundTransaction.js';
import { capabilitiesOf, type DialogueCitizen, type InboundOutcome, type InboxDeps } from './inboxTypes.js';
import { saveStateAndReplies, writeOutbox } from './outboxWriter.js';
import { answerStranger } from './strangerCommand.js';

const LOCK_CONVERSATION = statement(
  'inbox_lock_conversation',
  `INSERT INTO "Conversation" ("citizenId", "state", "lastActivityAt", "updatedAt")
   VALUES ($1::uuid, '{}'::jsonb, $2, $2)
   ON CONFLICT ("citizenId") DO UPDATE SET "citizenId" = EXCLUDED."citizenId"
   RETURNING "state"`,
);

// A step answers a query with another step; a dialogue never needs more than a few in a row.
const MAX_STEPS_PER_MESSAGE = 5;

/**
 * A citizen's message in its transaction (the citizen found or created in it, their conversation
 * locked and its state read): the message recorded (a duplicate stops here) and, on a throttled
 * channel, counted in the same statement; held when they are over their flood limit, else answered.
 */
export async function handleCitizenMessage(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  citizen: DialogueCitizen,
  state: ConversationState,
  event: InboundEvent,
  command: OfficerCommand | null,
  now: Date,
): Promise<InboundOutcome> {
  // Recorded under the lock, which is the duplicate guard: a seen id rolls back the transaction,
  // the citizen's creation with it. A flood from one number: every message is kept and answered
  // in order as the limit allows; the sender is told so once.
  if (capabilitiesOf(deps, event.channel).throttled && event.control === undefined) {
    const decision = await recordAndDecide(sql, event, now, citizen.id, deps.floodPerMinute);
    if (decision !== 'answer') {
      await holdInbound(tx, event, now);
      deps.logger.warn({ channel: event.channel, address: event.address, decision }, 'inbound flood: message held');
      const replies: Reply[] = decision === 'holdAndTell' ? [{ lines: [{ key: 'flood.slowDown' }] }] : [];
      const outboxIds = await writeOutbox(sql, citizen.id, event, state.lang, replies, 'reply');
      return { status: 'handled', citizenId: citizen.id, outboxIds, replies };
    }
  } else {
    await recordInbound(sql, event, now, citizen.id);
  }
  return answerCitizen(deps, tx, sql, citizen, state, event, command, now);
}

/** A message a citizen may have answered now: an officer-shaped one refused (or an invitation taken), any other through the dialogue. */
export async function answerCitizen(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  citizen: DialogueCitizen,
  state: ConversationState,
  event: InboundEvent,
  command: OfficerCommand | null,
  now: Date,
): Promise<InboundOutcome> {
  if (!command) return runDialogue(deps, tx, sql, citizen, state, event, now);
  const replies = await answerStranger(deps, tx, event, command);
  const outboxIds = await writeOutbox(sql, citizen.id, event, state.lang, replies, 'reply');
  return { status: 'handled', citizenId: citizen.id, outboxIds, replies };
}

/**
 * Creates the citizen's conversation row if needed, locks it and returns their state, in one
 * statement: an upsert that touches an existing row takes its row lock, as FOR UPDATE would.
 */
export async function lockConversation(
  sql: SqlSession,
  citizen: { id: string; language: Lang },
  now: Date,
): Promise<ConversationState> {
  // One message at a time per citizen: the row lock serialises concurrent deliveries.
  const [row] = await sql.query<{ state: unknown }>(LOCK_CONVERSATION, [citizen.id, now]);
  return restoreState(row?.state, citizen.language);
}

/**
 * One message through the pure core: `step` runs, the effects it asks for run through the
 * effect executor (those it waits on answer with its next step), then its writes are made, the
 * new state saved and the replies written to the outbox.
 */
async function runDialogue(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  citizen: DialogueCitizen,
  restored: ConversationState,
  event: InboundEvent,
  now: Date,
): Promise<InboundOutcome> {
  let state = restored;
  const capabilities = capabilitiesOf(deps, event.channel);
  const ctx: StepContext = {
    now,
    city: deps.city,
    idleTimeoutMs: deps.idleTimeoutMs,
    draftRetentionMs: deps.draftRetentionMs,
    channel: { media: capabilities.media, compact: capabilities.compact },
    words: deps.words,
    citizenPhone: event.phone ? normalizePhone(event.phone) : null,
    privacyNoticeDue: citizen.privacyNoticeAt === null,
  };
  const run: EffectRun = {
    ...deps,
    tx,
    sql,
    citizenId: citizen.id,
    event,
    now,
    citizen,
    notifications: [],
    opened: [],
  };
  const replies: Reply[] = [];
  const writes: WritingEffect[] = [];
  let next: StepEvent | null = {
    type: 'message',
    text: event.text ?? '',
    choice: event.choice,
    start: event.start,
    control: event.control,
    location: event.location,
    media: event.media ?? [],
    mediaNotKept: event.mediaNotKept,
  };
  for (let i = 0; next && i < MAX_STEPS_PER_MESSAGE; i++) {
    const result = step(state, next, ctx);
    state = result.state;
    replies.push(...result.replies);
    next = null;
    // The notice goes once, with the message's answer (after a query's, when it asked one).
    if (result.effects.some((e) => e.type === 'privacy.noticeShown')) ctx.privacyNoticeDue = false;
    for (const effect of result.effects) {
      if (answers(effect)) next = await runAnswering(run, effect);
      else writes.push(effect);
    }
  }
  for (const effect of writes) await runWriting(run, effect);

  const optingOut = writes.some((e) => e.type === 'citizen.setSmsOptOut' && e.optOut);
  const kind = optingOut ? 'optOutConfirmation' : 'reply';
  const noticeShown = writes.some((e) => e.type === 'privacy.noticeShown');
  const outboxIds = await saveStateAndReplies(sql, citizen.id, state, now, event, replies, kind, noticeShown);
  const { notifications, opened } = run;
  return { status: 'handled', citizenId: citizen.id, outboxIds, replies, notifications, opened };
}
