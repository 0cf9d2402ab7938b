import type { CityData } from '../city/loadCityData.js';
import { CaseError } from '../cases/CaseError.js';
import { addComplaintInfo, findDuplicateComplaint, rateComplaint, submitComplaint } from '../cases/complaintService.js';
import { findCaseView, listCitizenCases } from '../cases/findCases.js';
import { MAX_MEDIA_BYTES } from '../media/mediaLimits.js';
import { MediaRefused } from '../media/MediaRefused.js';
import { photoType } from '../media/photoType.js';
import { storeMedia, type MediaFetcher } from '../media/storeMedia.js';
import { writeNotification } from '../notify/writeNotification.js';
import { recordCaseNote } from '../cases/recordCaseNote.js';
import { findOfficerCase } from '../officers/caseLookup.js';
import { handleOfficerMessage, notifyDepartment } from '../officers/handleOfficerMessage.js';
import { parseOfficerCommand, type OfficerCommand } from '../officers/parseOfficerCommand.js';
import { floodDecision, holdInbound, sendersWithHeldInbound, takeHeldInbound } from './floodGate.js';
import { storableEvent } from './storableEvent.js';
import type { CaseClocksChanged } from '../sla/caseClocks.js';
import type { SlaCase } from '../sla/planTimers.js';
import { submitPermit } from '../cases/permitService.js';
import type { ChannelCapabilities, ChannelCapabilityMap } from '../channels/capabilities.js';
import { restoreState } from '../conversation/initialState.js';
import { step } from '../conversation/step.js';
import type {
  ChannelName,
  ComplaintDraft,
  ConversationState,
  Effect,
  InboundEvent,
  Lang,
  MediaRef,
  MediaRefusal,
  PermitDraft,
  Reply,
  StepContext,
  StepEvent,
} from '../conversation/types.js';
import { normalizePhone } from '../domain/phone.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import type { Lexicon } from '../conversation/understanding/Lexicon.js';
import { findTaxObject } from '../pbb/findTaxObject.js';
import { runPrivacyEffect, writePrivacyEffect, type PrivacyDeps } from '../privacy/runPrivacyEffect.js';

export interface InboxDeps {
  prisma: PrismaClient;
  city: CityData;
  logger: Logger;
  clock: () => Date;
  idleTimeoutMs: number;
  draftRetentionMs: number;
  defaultLanguage: Lang;
  /** Inbound text longer than this is cut before it is read. */
  maxChars: number;
  /** Messages a citizen may send per minute; past it they are told once to slow down. */
  floodPerMinute: number;
  /** Where photos are kept, by content hash. */
  mediaDir: string;
  /** Fetches the bytes of a photo a channel received. */
  fetchMedia: MediaFetcher;
  /** How residents write: the word lists the conversation reads messages with. */
  words: Lexicon;
  /** What each channel carries, as its module declares (bots/channels.ts). */
  channels: ChannelCapabilityMap;
  /** Where residents open their DATA SAYA copy: the web role's public address. */
  publicBaseUrl?: string | undefined;
}

/** The citizen fields the dialogue's executor reads. */
type DialogueCitizen = { id: string; language: Lang; privacyNoticeAt: Date | null };

export type InboundOutcome =
  | {
      status: 'handled';
      citizenId: string;
      /** Rows answering on the channel the message came from. */
      outboxIds: string[];
      replies: Reply[];
      /** Rows to other people or channels (officers told of a new case, a citizen's answer). */
      notifications?: Array<{ id: string; channel: ChannelName }>;
      /** Status changes and first answers an officer made, whose SLA timers move. */
      changes?: CaseClocksChanged[];
      /** Cases opened by this message, whose SLA timers start. */
      opened?: SlaCase[];
    }
  | { status: 'duplicate' };

// A step answers a query with another step; a dialogue never needs more than a few in a row.
const MAX_STEPS_PER_MESSAGE = 5;

class DuplicateInbound extends Error {}

/**
 * The executor around the pure conversation core. For one inbound event, in one transaction:
 * drop it if already seen; find or create the citizen; lock and load their state; hold it when
 * the sender is over their flood limit; run `step` (answering its queries); apply its effects;
 * save the new state and the replies as outbox rows.
 */
export async function handleInbound(deps: InboxDeps, received: InboundEvent): Promise<InboundOutcome> {
  const { prisma } = deps;
  // A channel this process was not booted with fails before anything is stored: the provider retries.
  capabilitiesOf(deps, received.channel);
  // Made storable before anything reads it: a NUL or half an emoji must not fail the save.
  const event = storableEvent(received, deps.maxChars);
  const seen = await prisma.processedInbound.findUnique({
    where: { channel_externalId: { channel: event.channel, externalId: event.externalId } },
  });
  if (seen) return { status: 'duplicate' };

  // Officers write from their linked chat account. Anyone else typing an officer command is a
  // resident like any other: answered in their dialogue's transaction, under its flood limit.
  const officer = await prisma.officer.findUnique({
    where: { channel_address: { channel: event.channel, address: event.address } },
  });
  if (officer?.active) {
    if (!(await markProcessed(deps, event))) return { status: 'duplicate' };
    return handleFromOfficer(deps, officer, event);
  }
  const command = parseOfficerCommand(event.text ?? '', event.choice);

  // Photos are fetched and kept before the transaction: network time never holds a lock, and a
  // stored file is harmless if the message later fails.
  const kept = command ? { ...event, media: [] } : { ...event, ...(await keepMedia(deps, event)) };
  return inTransaction(
    deps,
    (tx) => handleInTransaction(deps, tx, kept, command),
    (error) => apologise(deps, event, error),
  );
}

/**
 * Answers messages held past their senders' flood limit, oldest first, as far as each sender's
 * minute allows. The worker calls it every few seconds; several processes may call it at once
 * (each message is taken once, under its sender's conversation lock).
 */
export async function releaseHeldInbound(
  deps: InboxDeps,
  maxSenders = 100,
): Promise<Array<{ event: InboundEvent; outcome: InboundOutcome }>> {
  const released: Array<{ event: InboundEvent; outcome: InboundOutcome }> = [];
  for (const citizenId of await sendersWithHeldInbound(deps.prisma, maxSenders)) {
    for (let n = 0; n < deps.floodPerMinute; n++) {
      // Set inside the transaction; a failed attempt leaves the message held, and it is answered
      // with the apology instead.
      const taken: { event: InboundEvent | null } = { event: null };
      const outcome = await inTransaction(
        deps,
        async (tx) => {
          const now = deps.clock();
          const citizen = await tx.citizen.findUniqueOrThrow({ where: { id: citizenId } });
          const state = await lockConversation(tx, citizen, now);
          taken.event = await takeHeldInbound(tx, citizenId, now, deps.floodPerMinute);
          if (!taken.event) return null;
          const command = parseOfficerCommand(taken.event.text ?? '', taken.event.choice);
          return answerCitizen(deps, tx, citizen, state, taken.event, command, now);
        },
        (error) => (taken.event ? apologiseForHeld(deps, citizenId, taken.event, error) : Promise.reject(error)),
      );
      if (!outcome || !taken.event) break;
      released.push({ event: taken.event, outcome });
    }
  }
  return released;
}

/** The capabilities the channel's module declared; a channel the process was not booted with is an error. */
function capabilitiesOf(deps: InboxDeps, channel: ChannelName): Readonly<ChannelCapabilities> {
  const capabilities = deps.channels[channel];
  if (!capabilities) throw new Error(`channel ${channel} is not among the channels this process was booted with`);
  return capabilities;
}

/** Runs `work` in a transaction, retrying the race of two first messages; a failure is apologised for. */
async function inTransaction<T>(
  deps: InboxDeps,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  onFailure: (error: unknown) => Promise<InboundOutcome>,
): Promise<T | InboundOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.prisma.$transaction(work, { timeout: 15_000, maxWait: 10_000 });
    } catch (error) {
      if (error instanceof DuplicateInbound) return { status: 'duplicate' };
      // Two first messages from one new address race to create the citizen: the loser retries.
      if (isUniqueViolation(error) && attempt < 3) continue;
      return onFailure(error);
    }
  }
}

/**
 * Something failed while handling a message (the transaction is rolled back): the citizen still
 * gets an answer, and the message is marked handled so a provider's retry does not loop on it.
 */
async function apologise(deps: InboxDeps, event: InboundEvent, error: unknown): Promise<InboundOutcome> {
  deps.logger.error({ err: error, channel: event.channel, address: event.address }, 'inbound message failed');
  const replies: Reply[] = [{ lines: [{ key: 'error.generic' }] }];
  return deps.prisma.$transaction(async (tx) => {
    const identity = await tx.channelIdentity.findUnique({
      where: { channel_address: { channel: event.channel, address: event.address } },
      include: { citizen: true },
    });
    await tx.processedInbound.create({
      data: { channel: event.channel, externalId: event.externalId, citizenId: identity?.citizenId ?? null },
    });
    const out = await tx.outboxMessage.create({
      data: {
        citizenId: identity?.citizenId ?? null,
        channel: event.channel,
        address: event.address,
        language: identity?.citizen.language ?? deps.defaultLanguage,
        replies: replies as unknown as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    return { status: 'handled', citizenId: identity?.citizenId ?? '', outboxIds: [out.id], replies };
  });
}

/** A held message that failed when released: taken off hold and answered with the apology. */
async function apologiseForHeld(
  deps: InboxDeps,
  citizenId: string,
  event: InboundEvent,
  error: unknown,
): Promise<InboundOutcome> {
  deps.logger.error({ err: error, channel: event.channel, address: event.address }, 'held inbound message failed');
  const replies: Reply[] = [{ lines: [{ key: 'error.generic' }] }];
  return deps.prisma.$transaction(async (tx) => {
    const citizen = await tx.citizen.findUniqueOrThrow({ where: { id: citizenId } });
    await tx.processedInbound.update({
      where: { channel_externalId: { channel: event.channel, externalId: event.externalId } },
      data: { heldAt: null, heldEvent: Prisma.DbNull, receivedAt: deps.clock() },
    });
    const outboxIds = await writeOutbox(tx, citizenId, event, citizen.language, replies, 'reply');
    return { status: 'handled', citizenId, outboxIds, replies };
  });
}

/** Records an inbound id outside a citizen's dialogue; false when it was seen already. */
async function markProcessed(deps: InboxDeps, event: InboundEvent): Promise<boolean> {
  try {
    await deps.prisma.processedInbound.create({
      data: { channel: event.channel, externalId: event.externalId, receivedAt: deps.clock() },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** An answer written straight to the address a message came from, outside any dialogue. */
async function answerDirectly(
  deps: InboxDeps,
  event: InboundEvent,
  replies: Reply[],
  language: Lang = deps.defaultLanguage,
): Promise<InboundOutcome> {
  const row = await deps.prisma.outboxMessage.create({
    data: {
      channel: event.channel,
      address: event.address,
      language,
      replies: replies as unknown as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  return { status: 'handled', citizenId: '', outboxIds: [row.id], replies };
}

async function handleFromOfficer(
  deps: InboxDeps,
  officer: NonNullable<Awaited<ReturnType<InboxDeps['prisma']['officer']['findUnique']>>>,
  event: InboundEvent,
): Promise<InboundOutcome> {
  const outcome = await handleOfficerMessage(deps, officer, event.text ?? '', event.choice);
  // Staff texts follow the officer's own language.
  const answered = await answerDirectly(deps, event, outcome.replies, officer.language ?? deps.defaultLanguage);
  if (answered.status !== 'handled') return answered;
  return { ...answered, notifications: outcome.outbox, changes: outcome.changes };
}

/**
 * An officer command from someone who is not an active officer: "/daftar <code>" links the
 * officer invited with that code to this chat account, once; anything else is refused.
 */
async function answerStranger(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  command: OfficerCommand,
): Promise<Reply[]> {
  if (command.name !== 'register') {
    deps.logger.warn(
      { channel: event.channel, address: event.address, command: command.name },
      'officer command from a stranger refused',
    );
    return [{ lines: [{ key: 'officer.notOfficer' }] }];
  }
  const code = command.args[0]?.trim().toUpperCase() ?? '';
  const invited = code ? await tx.officer.findUnique({ where: { inviteCode: code } }) : null;
  if (!invited || !invited.active) {
    deps.logger.warn({ channel: event.channel, address: event.address }, 'officer invitation code refused');
    return [{ lines: [{ key: 'officer.badInvite' }] }];
  }
  await tx.officer.update({
    where: { id: invited.id },
    data: { channel: event.channel, address: event.address, inviteCode: null },
  });
  deps.logger.info(
    { officerId: invited.id, channel: event.channel, address: event.address },
    'officer linked to chat account',
  );
  return [
    {
      lines: [
        { key: 'officer.registered', params: { name: invited.name, role: invited.role } },
        { key: 'officer.help' },
      ],
    },
  ];
}

/**
 * Stores each photo by content hash and hands the core `sha256:<hash>` references; a photo that
 * cannot be kept (too large, not a photo, the download failed) is named with its reason, so the
 * citizen is told while the rest of their message is read as usual.
 */
async function keepMedia(
  deps: InboxDeps,
  event: InboundEvent,
): Promise<{ media: MediaRef[]; mediaNotKept: MediaRefusal[] | undefined }> {
  const kept: MediaRef[] = [];
  const notKept: MediaRefusal[] = [];
  for (const ref of event.media ?? []) {
    try {
      const bytes = await deps.fetchMedia(ref);
      if (bytes.length > MAX_MEDIA_BYTES) throw new MediaRefused('tooLarge', `${bytes.length} bytes`);
      // The bytes say what the file is; a provider's declared type may be wrong.
      const mimeType = photoType(bytes);
      if (!mimeType) throw new MediaRefused('notAPhoto', `sent as ${ref.mimeType}, not a JPEG, PNG or WebP`);
      const file = await storeMedia(deps.mediaDir, bytes, mimeType);
      await deps.prisma.mediaFile.upsert({
        where: { sha256: file.sha256 },
        create: { sha256: file.sha256, path: file.path, mimeType, sizeBytes: file.sizeBytes },
        update: {},
      });
      kept.push({ mimeType, url: `sha256:${file.sha256}` });
    } catch (error) {
      const reason = error instanceof MediaRefused ? error.reason : 'unavailable';
      notKept.push(reason);
      deps.logger.warn(
        { channel: event.channel, address: event.address, reason, detail: (error as Error).message },
        'photo not kept',
      );
    }
  }
  return { media: kept, mediaNotKept: notKept.length > 0 ? notKept : undefined };
}

async function handleInTransaction(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  event: InboundEvent,
  command: OfficerCommand | null,
): Promise<InboundOutcome> {
  const now = deps.clock();
  try {
    await tx.processedInbound.create({
      data: { channel: event.channel, externalId: event.externalId, receivedAt: now },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateInbound();
    throw error;
  }

  const citizen = await findOrCreateCitizen(deps, tx, event, now);
  await tx.processedInbound.update({
    where: { channel_externalId: { channel: event.channel, externalId: event.externalId } },
    data: { citizenId: citizen.id },
  });
  const state = await lockConversation(tx, citizen, now);

  // A flood from one number: every message is kept and answered in order as the limit allows;
  // the sender is told so once.
  if (capabilitiesOf(deps, event.channel).throttled && event.control === undefined) {
    const decision = await floodDecision(tx, citizen.id, now, deps.floodPerMinute);
    if (decision !== 'answer') {
      await holdInbound(tx, event, now);
      deps.logger.warn({ channel: event.channel, address: event.address, decision }, 'inbound flood: message held');
      const replies: Reply[] = decision === 'holdAndTell' ? [{ lines: [{ key: 'flood.slowDown' }] }] : [];
      const outboxIds = await writeOutbox(tx, citizen.id, event, state.lang, replies, 'reply');
      return { status: 'handled', citizenId: citizen.id, outboxIds, replies };
    }
  }
  return answerCitizen(deps, tx, citizen, state, event, command, now);
}

/** A message a citizen may have answered now: an officer-shaped one refused (or an invitation taken), any other through the dialogue. */
async function answerCitizen(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizen: DialogueCitizen,
  state: ConversationState,
  event: InboundEvent,
  command: OfficerCommand | null,
  now: Date,
): Promise<InboundOutcome> {
  if (!command) return runDialogue(deps, tx, citizen, state, event, now);
  const replies = await answerStranger(deps, tx, event, command);
  const outboxIds = await writeOutbox(tx, citizen.id, event, state.lang, replies, 'reply');
  return { status: 'handled', citizenId: citizen.id, outboxIds, replies };
}

/** Creates the citizen's conversation row if needed, locks it and returns their state. */
async function lockConversation(
  tx: Prisma.TransactionClient,
  citizen: { id: string; language: Lang },
  now: Date,
): Promise<ConversationState> {
  // One message at a time per citizen: the row lock serialises concurrent deliveries.
  await tx.conversation.upsert({
    where: { citizenId: citizen.id },
    create: { citizenId: citizen.id, state: {}, lastActivityAt: now },
    update: {},
  });
  const [row] = await tx.$queryRaw<Array<{ state: unknown }>>`
    SELECT "state" FROM "Conversation" WHERE "citizenId" = ${citizen.id}::uuid FOR UPDATE`;
  return restoreState(row?.state, citizen.language);
}

/** One message through the pure core, its queries answered and its effects applied. */
async function runDialogue(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizen: DialogueCitizen,
  restored: ConversationState,
  event: InboundEvent,
  now: Date,
): Promise<InboundOutcome> {
  let state = restored;
  const ctx: StepContext = {
    now,
    city: deps.city,
    idleTimeoutMs: deps.idleTimeoutMs,
    draftRetentionMs: deps.draftRetentionMs,
    channel: {
      media: capabilitiesOf(deps, event.channel).media,
      compact: capabilitiesOf(deps, event.channel).compact,
    },
    words: deps.words,
    citizenPhone: event.phone ? normalizePhone(event.phone) : null,
    privacyNoticeDue: citizen.privacyNoticeAt === null,
  };
  const privacy: PrivacyDeps = { ...deps, tx, citizenId: citizen.id, event, now };
  const replies: Reply[] = [];
  const writes: Effect[] = [];
  const notifications: Array<{ id: string; channel: ChannelName }> = [];
  const opened: SlaCase[] = [];
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
      switch (effect.type) {
        case 'query.myData':
        case 'query.openCases':
        case 'privacy.correct':
        case 'privacy.erase':
          next = await runPrivacyEffect(privacy, effect);
          break;
        case 'query.pbb':
          next = { type: 'pbb.result', nop: effect.nop, taxObject: await findTaxObject(tx, effect.nop) };
          break;
        case 'query.case':
          next = {
            type: 'case.result',
            trackingNumber: effect.trackingNumber,
            view: await findCaseView(tx, deps.city, effect.trackingNumber, citizen.id),
          };
          break;
        case 'query.myCases':
          next = { type: 'cases.mine', cases: await listCitizenCases(tx, citizen.id) };
          break;
        case 'permit.submit':
          next = await submitDraft(deps, tx, citizen.id, effect.draft, now, notifications, opened);
          break;
        case 'complaint.submit':
          next = await submitComplaintDraft(
            deps,
            tx,
            citizen.id,
            effect.draft,
            effect.allowDuplicate,
            now,
            notifications,
            opened,
          );
          break;
        case 'case.citizenReply':
          next = await forwardToOfficer(tx, deps, citizen.id, effect, now, notifications);
          break;
        case 'complaint.addInfo':
          next = await refusedAs(effect.trackingNumber, async () => {
            await addComplaintInfo(tx, { ...effect, citizenId: citizen.id }, now);
            return { type: 'complaint.added', trackingNumber: effect.trackingNumber };
          });
          break;
        case 'complaint.rate':
          next = await refusedAs(effect.trackingNumber, async () => {
            const { reopened } = await rateComplaint(tx, { ...effect, citizenId: citizen.id }, now);
            return { type: 'complaint.rated', trackingNumber: effect.trackingNumber, reopened };
          });
          break;
        default:
          writes.push(effect);
      }
    }
  }

  for (const effect of writes) {
    switch (effect.type) {
      case 'privacy.noticeShown':
      case 'privacy.emailNotices':
        await writePrivacyEffect(privacy, effect);
        break;
      case 'citizen.setLanguage':
        await tx.citizen.update({ where: { id: citizen.id }, data: { language: effect.lang } });
        break;
      case 'citizen.setSmsOptOut':
        await tx.citizen.update({ where: { id: citizen.id }, data: { smsOptOut: effect.optOut } });
        // The SMS identity shows it to officers, like an opt-out Twilio reports; MULAI lifts both.
        await tx.channelIdentity.updateMany({
          where: { citizenId: citizen.id, channel: 'sms' },
          data: effect.optOut
            ? { optedOutAt: now, optOutReason: 'sms-stop' }
            : { optedOutAt: null, optOutReason: null },
        });
        deps.logger.info(
          { channel: event.channel, address: event.address, optOut: effect.optOut },
          'SMS opt-out changed',
        );
        break;
    }
  }
  const optingOut = writes.some((e) => e.type === 'citizen.setSmsOptOut' && e.optOut);
  // updateMany: an erasure (HAPUS DATA SAYA) has removed the conversation with the rest.
  await tx.conversation.updateMany({
    where: { citizenId: citizen.id },
    data: { state: state as unknown as Prisma.InputJsonValue, lastActivityAt: now },
  });

  const kind = optingOut ? 'optOutConfirmation' : 'reply';
  const outboxIds = await writeOutbox(tx, citizen.id, event, state.lang, replies, kind);
  return { status: 'handled', citizenId: citizen.id, outboxIds, replies, notifications, opened };
}

/** The replies of one inbound message as one outbox row, answered on the channel it came from. */
async function writeOutbox(
  tx: Prisma.TransactionClient,
  citizenId: string,
  event: InboundEvent,
  language: Lang,
  replies: Reply[],
  kind: 'reply' | 'optOutConfirmation',
): Promise<string[]> {
  if (replies.length === 0) return [];
  const out = await tx.outboxMessage.create({
    data: {
      citizenId,
      channel: event.channel,
      address: event.address,
      language,
      kind,
      replies: replies as unknown as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  return [out.id];
}

/** A citizen's answer to an officer: an event on the case and a message to that officer, while the case is open. */
async function forwardToOfficer(
  tx: Prisma.TransactionClient,
  deps: InboxDeps,
  citizenId: string,
  reply: { trackingNumber: string; officerId: string; text: string },
  now: Date,
  notifications: Array<{ id: string; channel: ChannelName }>,
): Promise<StepEvent> {
  const found = await findOfficerCase(tx, deps.city, reply.trackingNumber);
  const officer = await tx.officer.findUnique({ where: { id: reply.officerId } });
  if (!found || !found.open || found.citizenId !== citizenId || !officer?.channel || !officer.address) {
    return { type: 'case.citizenReplied', trackingNumber: reply.trackingNumber, forwarded: false };
  }
  await recordCaseNote(tx, found, { type: 'citizen', id: citizenId }, `Balasan warga: ${reply.text}`, now);
  notifications.push(
    await writeNotification(tx, {
      channel: officer.channel,
      address: officer.address,
      language: officer.language ?? deps.defaultLanguage,
      officerId: officer.id,
      replies: [
        {
          lines: [
            { key: 'officer.citizenAnswered', params: { trackingNumber: found.trackingNumber, text: reply.text } },
          ],
          options: [{ id: `off.timeline:${found.trackingNumber}`, label: { key: 'officer.option.timeline' } }],
        },
      ],
    }),
  );
  return { type: 'case.citizenReplied', trackingNumber: reply.trackingNumber, forwarded: true };
}

/** A refused complaint operation (closed, not the citizen's) comes back as an event, not an error. */
async function refusedAs(trackingNumber: string, run: () => Promise<StepEvent>): Promise<StepEvent> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CaseError) return { type: 'complaint.refused', trackingNumber };
    throw error;
  }
}

/** Files a confirmed complaint, unless it looks like one filed within the day: then asks first. */
async function submitComplaintDraft(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizenId: string,
  draft: ComplaintDraft,
  allowDuplicate: boolean,
  now: Date,
  notifications: Array<{ id: string; channel: ChannelName }>,
  opened: SlaCase[],
): Promise<StepEvent> {
  const submission = {
    citizenId,
    categoryCode: draft.category ?? '',
    description: draft.description ?? '',
    locationText: draft.place?.text ?? null,
    latitude: draft.place?.latitude ?? null,
    longitude: draft.place?.longitude ?? null,
    anonymous: draft.anonymous ?? false,
    photos: draft.photos,
  };
  if (!allowDuplicate) {
    const duplicate = await findDuplicateComplaint(tx, submission, now);
    if (duplicate) return { type: 'complaint.duplicateFound', trackingNumber: duplicate };
  }
  return refusedAs('', async () => {
    const filed = await submitComplaint(tx, deps.city, submission, now);
    const department = deps.city.departments.find((d) => d.code === filed.departmentCode)?.name ?? filed.departmentCode;
    deps.logger.info({ trackingNumber: filed.trackingNumber, category: submission.categoryCode }, 'complaint filed');
    opened.push(...filed.clocks);
    const category = deps.city.complaintCategories.find((c) => c.code === submission.categoryCode);
    notifications.push(
      ...(await notifyDepartment(tx, filed.departmentCode, {
        trackingNumber: filed.trackingNumber,
        title: category?.name.id ?? submission.categoryCode,
      })),
    );
    return {
      type: 'complaint.submitted',
      trackingNumber: filed.trackingNumber,
      deadlineAt: filed.deadlineAt.toISOString(),
      department,
      departmentCode: filed.departmentCode,
    };
  });
}

/** Files a confirmed draft; a refusal (a type no longer online, say) comes back as an event. */
async function submitDraft(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizenId: string,
  draft: PermitDraft,
  now: Date,
  notifications: Array<{ id: string; channel: ChannelName }>,
  opened: SlaCase[],
): Promise<StepEvent> {
  try {
    const { id, trackingNumber, deadlineAt } = await submitPermit(
      tx,
      deps.city,
      {
        citizenId,
        typeCode: draft.code,
        applicantName: draft.values.name ?? '',
        nik: draft.values.nik ?? '',
        phone: draft.values.phone ?? '',
        email: draft.values.email || null,
        fields: Object.fromEntries(
          Object.entries(draft.values)
            .filter(([k]) => k.startsWith('field:'))
            .map(([k, v]) => [k.slice('field:'.length), v]),
        ),
      },
      now,
    );
    deps.logger.info({ trackingNumber, type: draft.code }, 'permit application submitted');
    const type = deps.city.permitTypes.find((t) => t.code === draft.code);
    opened.push({ kind: 'permit', id, startedAt: now, deadlineAt, deadlineVersion: 0 });
    notifications.push(
      ...(await notifyDepartment(tx, type?.department ?? '', { trackingNumber, title: type?.name.id ?? draft.code })),
    );
    return { type: 'permit.submitted', trackingNumber, deadlineAt: deadlineAt.toISOString() };
  } catch (error) {
    if (error instanceof CaseError) return { type: 'permit.refused', reason: error.code };
    throw error;
  }
}

/** The citizen behind a channel address; a phone number known from another channel links them. */
async function findOrCreateCitizen(deps: InboxDeps, tx: Prisma.TransactionClient, event: InboundEvent, now: Date) {
  const identity = await tx.channelIdentity.findUnique({
    where: { channel_address: { channel: event.channel, address: event.address } },
    include: { citizen: true },
  });
  const phone = event.phone ? normalizePhone(event.phone) : null;
  if (identity) {
    // Writing again lifts an opt-out the provider reported here; on SMS only MULAI/START does,
    // as the provider itself refuses the number until then.
    const lifted = identity.optedOutAt !== null && event.channel !== 'sms';
    await tx.channelIdentity.update({
      where: { id: identity.id },
      data: { lastSeenAt: now, ...(lifted ? { optedOutAt: null, optOutReason: null } : {}) },
    });
    if (lifted)
      deps.logger.info({ channel: event.channel, address: event.address }, 'opt-out lifted: the citizen wrote');
    if (!phone || identity.citizen.phone === phone) return identity.citizen;
    // The platform now vouches for a phone number (a Telegram contact shared later): link this
    // identity to the citizen who already has that number, or record it on this citizen.
    const owner = await tx.citizen.findUnique({ where: { phone } });
    if (!owner) return tx.citizen.update({ where: { id: identity.citizenId }, data: { phone } });
    if (identity.citizen.phone) return identity.citizen;
    await tx.channelIdentity.update({ where: { id: identity.id }, data: { citizenId: owner.id } });
    deps.logger.info({ channel: event.channel, address: event.address }, 'channel identity linked by phone');
    return owner;
  }
  const known = phone ? await tx.citizen.findUnique({ where: { phone } }) : null;
  const citizen = known ?? (await tx.citizen.create({ data: { language: deps.defaultLanguage, phone } }));
  await tx.channelIdentity.create({
    data: { citizenId: citizen.id, channel: event.channel, address: event.address, createdAt: now, lastSeenAt: now },
  });
  deps.logger.info({ channel: event.channel, address: event.address, linked: Boolean(known) }, 'new channel identity');
  return citizen;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
