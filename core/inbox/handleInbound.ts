import type { CityData } from '../city/loadCityData.js';
import { CaseError } from '../cases/CaseError.js';
import { findCaseView, listCitizenCases } from '../cases/findCases.js';
import { submitPermit } from '../cases/permitService.js';
import { CHANNEL_CAPABILITIES } from '../channels/capabilities.js';
import { restoreState } from '../conversation/initialState.js';
import { step } from '../conversation/step.js';
import type {
  ConversationState,
  Effect,
  InboundEvent,
  Lang,
  PermitDraft,
  Reply,
  StepContext,
  StepEvent,
} from '../conversation/types.js';
import { normalizePhone } from '../domain/phone.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import { findTaxObject } from '../pbb/findTaxObject.js';

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
}

export type InboundOutcome =
  { status: 'handled'; citizenId: string; outboxIds: string[]; replies: Reply[] } | { status: 'duplicate' };

// A step answers a query with another step; a dialogue never needs more than a few in a row.
const MAX_STEPS_PER_MESSAGE = 5;

class DuplicateInbound extends Error {}

/**
 * The executor around the pure conversation core. For one inbound event, in one transaction:
 * drop it if already seen; find or create the citizen; lock and load their state; run `step`
 * (answering its queries); apply its effects; save the new state and the replies as outbox rows.
 */
export async function handleInbound(deps: InboxDeps, event: InboundEvent): Promise<InboundOutcome> {
  const { prisma } = deps;
  const seen = await prisma.processedInbound.findUnique({
    where: { channel_externalId: { channel: event.channel, externalId: event.externalId } },
  });
  if (seen) return { status: 'duplicate' };

  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => handleInTransaction(deps, tx, event), {
        timeout: 15_000,
        maxWait: 10_000,
      });
    } catch (error) {
      if (error instanceof DuplicateInbound) return { status: 'duplicate' };
      // Two first messages from one new address race to create the citizen: the loser retries.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

async function handleInTransaction(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  event: InboundEvent,
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

  // One message at a time per citizen: the row lock serialises concurrent deliveries.
  await tx.conversation.upsert({
    where: { citizenId: citizen.id },
    create: { citizenId: citizen.id, state: {}, lastActivityAt: now },
    update: {},
  });
  const [row] = await tx.$queryRaw<Array<{ state: unknown }>>`
    SELECT "state" FROM "Conversation" WHERE "citizenId" = ${citizen.id}::uuid FOR UPDATE`;
  let state: ConversationState = restoreState(row?.state, citizen.language);

  const ctx: StepContext = {
    now,
    city: deps.city,
    idleTimeoutMs: deps.idleTimeoutMs,
    draftRetentionMs: deps.draftRetentionMs,
    channel: { media: CHANNEL_CAPABILITIES[event.channel].media },
    citizenPhone: event.phone ? normalizePhone(event.phone) : null,
  };
  const replies: Reply[] = [];
  const writes: Effect[] = [];
  let next: StepEvent | null = {
    type: 'message',
    text: (event.text ?? '').slice(0, deps.maxChars),
    choice: event.choice,
    start: event.start,
    location: event.location,
    media: event.media ?? [],
  };
  for (let i = 0; next && i < MAX_STEPS_PER_MESSAGE; i++) {
    const result = step(state, next, ctx);
    state = result.state;
    replies.push(...result.replies);
    next = null;
    for (const effect of result.effects) {
      switch (effect.type) {
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
          next = await submitDraft(deps, tx, citizen.id, effect.draft, now);
          break;
        default:
          writes.push(effect);
      }
    }
  }

  for (const effect of writes) {
    switch (effect.type) {
      case 'citizen.setLanguage':
        await tx.citizen.update({ where: { id: citizen.id }, data: { language: effect.lang } });
        break;
    }
  }
  await tx.conversation.update({
    where: { citizenId: citizen.id },
    data: { state: state as unknown as Prisma.InputJsonValue, lastActivityAt: now },
  });

  const outboxIds: string[] = [];
  if (replies.length > 0) {
    const out = await tx.outboxMessage.create({
      data: {
        citizenId: citizen.id,
        channel: event.channel,
        address: event.address,
        language: state.lang,
        replies: replies as unknown as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    outboxIds.push(out.id);
  }
  return { status: 'handled', citizenId: citizen.id, outboxIds, replies };
}

/** Files a confirmed draft; a refusal (a type no longer online, say) comes back as an event. */
async function submitDraft(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizenId: string,
  draft: PermitDraft,
  now: Date,
): Promise<StepEvent> {
  try {
    const { trackingNumber, deadlineAt } = await submitPermit(
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
  if (identity) {
    await tx.channelIdentity.update({ where: { id: identity.id }, data: { lastSeenAt: now } });
    return identity.citizen;
  }
  const phone = event.phone ? normalizePhone(event.phone) : null;
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
