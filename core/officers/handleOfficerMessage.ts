import type { CityData } from '../city/loadCityData.js';
import { CaseError } from '../cases/CaseError.js';
import { CASE_KIND } from '../cases/caseKinds.js';
import { changeCaseStatusIn, type StatusChanged } from '../cases/changeCaseStatus.js';
import { recordFirstResponse } from '../cases/complaintService.js';
import type { ChannelName, Lang, Line, Option, Reply } from '../conversation/types.js';
import { formatDateTime } from '../domain/calendarDate.js';
import { maskPhone } from '../domain/mask.js';
import type { Officer, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { openThread, type Thread } from '../conversation/thread.js';
import type { Logger } from '../log/createLogger.js';
import { writeNotification } from '../notify/writeNotification.js';
import { recordCaseNote } from '../cases/recordCaseNote.js';
import { canAct, canSee, canWalkToDone } from './authorize.js';
import { assignCase, caseEvents, findOfficerCase, openCases, searchCases, type OfficerCase } from './caseLookup.js';
import { nextStatuses } from './nextStatuses.js';
import { walkToDone } from './walkToDone.js';
import { parseOfficerCommand, textAfter } from './parseOfficerCommand.js';
import { storableText } from '../domain/storableText.js';
import { preferredIdentity } from '../notify/preferredIdentity.js';
import type { CaseClocksChanged } from '../sla/caseClocks.js';
import { recordPersonalData, type PersonalField } from '../privacy/trail.js';

export interface OfficerDeps {
  prisma: PrismaClient;
  city: CityData;
  logger: Logger;
  clock: () => Date;
  /** The language of an officer who has not chosen one; unset, the city's. */
  defaultLanguage?: Lang;
}

type Tx = Prisma.TransactionClient;

/** What the commands read and write through: the deps, and the transaction of the one message. */
type InTx = OfficerDeps & { tx: Tx };

/** Work a command leaves for the executor, in the same transaction. */
export type OfficerEffect =
  /** The citizen's next free text goes back to this officer while the case is open. */
  { type: 'thread.open'; citizenId: string; thread: Thread };

export interface OfficerOutcome {
  /** The answer to the officer. */
  replies: Reply[];
  /** Other rows written (to citizens, other officers), to hand to the outbox. */
  outbox: Array<{ id: string; channel: ChannelName }>;
  /** Status changes and first answers made, so the caller can move their SLA timers. */
  changes: CaseClocksChanged[];
  /** What the executor does next in the same transaction. */
  effects?: OfficerEffect[];
}

// Status words officers type, in both languages, to the lifecycle's names.
const STATUS_WORDS: Record<string, string> = {
  verifikasi: 'verified',
  verified: 'verified',
  terverifikasi: 'verified',
  proses: 'in_process',
  diproses: 'in_process',
  process: 'in_process',
  in_process: 'in_process',
  perbaikan: 'needs_revision',
  revisi: 'needs_revision',
  revision: 'needs_revision',
  needs_revision: 'needs_revision',
  disposisi: 'dispositioned',
  dispositioned: 'dispositioned',
  selesai: 'done',
  done: 'done',
  tolak: 'rejected',
  ditolak: 'rejected',
  rejected: 'rejected',
  bukan: 'not_authority',
  not_authority: 'not_authority',
};

// "/ambil A12345678 ya": taking over a case another officer holds, confirmed.
const CONFIRM_WORDS = new Set(['ya', 'yes']);

const say = (lines: Line[], options?: Option[]): OfficerOutcome => ({
  replies: [options && options.length > 0 ? { lines, options } : { lines }],
  outbox: [],
  changes: [],
});
const line = (key: string, params?: Line['params']): Line => (params ? { key, params } : { key });

/** The language the officer reads: their own, or the city's. */
const languageOf = (deps: OfficerDeps, officer: Officer): Lang =>
  officer.language ?? deps.defaultLanguage ?? deps.city.defaultLanguage;

/** The departments an officer sees: their own, or all for the inspectorate and admins. */
function visibleDepartments(officer: Officer): string[] | null {
  if (officer.role === 'inspectorate' || officer.role === 'admin') return null;
  return officer.departmentCode ? [officer.departmentCode] : [];
}

/**
 * An officer's message from their linked chat account: the department's queue, claiming,
 * replying to the citizen, moving a case, the timeline, search. Authorisation is decided here,
 * in the core; every action is an event with the officer as actor. Everything the message does
 * is one transaction: a failure changes nothing.
 */
export async function handleOfficerMessage(
  deps: OfficerDeps,
  officer: Officer,
  text: string,
  choice?: string,
): Promise<OfficerOutcome> {
  return deps.prisma.$transaction((tx) => handleOfficerMessageIn(deps, tx, officer, text, choice), {
    timeout: 15_000,
    maxWait: 10_000,
  });
}

/** handleOfficerMessage in the caller's transaction (the inbound executor's, with the message's own records). */
export async function handleOfficerMessageIn(
  deps: OfficerDeps,
  tx: Tx,
  officer: Officer,
  text: string,
  choice?: string,
): Promise<OfficerOutcome> {
  const outcome = await answer({ ...deps, tx }, officer, text, choice);
  for (const effect of outcome.effects ?? []) {
    if (effect.type === 'thread.open') await openThread(tx, effect.citizenId, effect.thread);
  }
  // An officer's "1" by SMS is no command (officers have no dialogue to number choices in): there
  // the lines carry the commands to type, and numbered buttons would only mislead.
  if (officer.channel !== 'sms') return outcome;
  return { ...outcome, replies: outcome.replies.map((r) => ({ lines: r.lines })) };
}

async function answer(deps: InTx, officer: Officer, text: string, choice?: string): Promise<OfficerOutcome> {
  const command = parseOfficerCommand(text, choice);
  if (!command || command.name === 'help') return say([line('officer.help')]);
  if (command.name === 'register') return say([line('officer.alreadyRegistered', { name: officer.name })]);
  if (command.name === 'queue') return queue(deps, officer);
  if (command.name === 'search') return search(deps, officer, command.rest);

  const typed = command.args[0] ?? '';
  const found = await findOfficerCase(deps.tx, deps.city, typed);
  if (!found) return say([line('officer.notFound', { trackingNumber: storableText(typed, 20) })]);
  if (!canSee(officer, found.departmentCode)) {
    deps.logger.warn(
      { officerId: officer.id, trackingNumber: found.trackingNumber, command: command.name },
      'officer refused: other department',
    );
    return say([line('officer.notYours', { trackingNumber: found.trackingNumber })]);
  }
  if (command.name === 'timeline') return timeline(deps, officer, found);
  if (!canAct(officer, found.departmentCode)) {
    deps.logger.warn(
      { officerId: officer.id, trackingNumber: found.trackingNumber, command: command.name },
      'officer refused: read only',
    );
    return say([line('officer.readOnly', { trackingNumber: found.trackingNumber })]);
  }
  // A refused action (CaseError) is answered, and whatever it had written is undone.
  await deps.tx.$executeRawUnsafe('SAVEPOINT officer_action');
  try {
    switch (command.name) {
      case 'claim':
        return await claim(deps, officer, found, CONFIRM_WORDS.has((command.args[1] ?? '').toLowerCase()));
      case 'reply':
        return await reply(deps, officer, found, textAfter(command.rest, 1));
      case 'status':
        return await move(
          deps,
          officer,
          found,
          STATUS_WORDS[(command.args[1] ?? '').toLowerCase()],
          textAfter(command.rest, 2),
        );
      case 'done':
        return await finish(deps, officer, found, textAfter(command.rest, 1));
      case 'reject':
        return await move(
          deps,
          officer,
          found,
          CASE_KIND[found.kind].statuses.includes('not_authority') && /bukan/i.test(command.args[1] ?? '')
            ? 'not_authority'
            : 'rejected',
          textAfter(command.rest, 1),
        );
      case 'forward':
        return await forward(deps, officer, found, (command.args[1] ?? '').toUpperCase(), textAfter(command.rest, 2));
      default:
        return say([line('officer.help')]);
    }
  } catch (error) {
    if (!(error instanceof CaseError)) throw error;
    await deps.tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT officer_action');
    const refused = line(`officer.refused.${error.code}`, { trackingNumber: found.trackingNumber });
    if (error.code !== 'invalid_transition') return say([refused]);
    // Say what can come next, so the officer is not left guessing the lifecycle.
    const next = nextStatuses(found);
    return say([refused, ...next.lines], next.options);
  }
}

async function queue(deps: InTx, officer: Officer): Promise<OfficerOutcome> {
  const cases = await openCases(deps.tx, deps.city, visibleDepartments(officer), 10);
  if (cases.length === 0) return say([line('officer.queueEmpty')]);
  const now = deps.clock().getTime();
  const lines = [line('officer.queueTitle', { count: cases.length })];
  for (const c of cases) {
    const hours = Math.round((c.deadlineAt.getTime() - now) / 3_600_000);
    lines.push(
      line(hours >= 0 ? 'officer.queueItem' : 'officer.queueItemOverdue', {
        trackingNumber: c.trackingNumber,
        title: c.titles[languageOf(deps, officer)],
        status: c.status,
        kind: c.kind,
        hours: Math.abs(hours),
        holder: c.holderName ?? '-',
      }),
    );
  }
  const options = cases
    .filter((c) => !c.holderName)
    .slice(0, 4)
    .map((c) => ({
      id: `off.claim:${c.trackingNumber}`,
      label: line('officer.option.claim', { trackingNumber: c.trackingNumber }),
    }));
  return say(lines, options);
}

async function search(deps: InTx, officer: Officer, query: string): Promise<OfficerOutcome> {
  if (query.trim().length < 3) return say([line('officer.searchHow')]);
  const direct = await findOfficerCase(deps.tx, deps.city, query.trim());
  const cases = direct
    ? [direct]
    : await searchCases(deps.tx, deps.city, visibleDepartments(officer), query.trim(), 10);
  const visible = cases.filter((c) => canSee(officer, c.departmentCode));
  if (visible.length === 0) return say([line('officer.searchNone')]);
  return say([
    line('officer.searchTitle', { count: visible.length }),
    ...visible.map((c) =>
      line('officer.searchItem', {
        trackingNumber: c.trackingNumber,
        title: c.titles[languageOf(deps, officer)],
        kind: c.kind,
        status: c.status,
      }),
    ),
  ]);
}

/**
 * /ambil: the case becomes the officer's. One held by another officer of the department is
 * taken over only when confirmed ("/ambil <no> ya", or the button), and its holder is told.
 */
async function claim(deps: InTx, officer: Officer, c: OfficerCase, confirmed: boolean): Promise<OfficerOutcome> {
  if (!c.open) return say([line('officer.refused.invalid_transition', { trackingNumber: c.trackingNumber })]);
  const title = c.titles[languageOf(deps, officer)];
  const timelineButton = { id: `off.timeline:${c.trackingNumber}`, label: line('officer.option.timeline') };
  if (c.holderId === officer.id)
    return say([line('officer.alreadyHolding', { trackingNumber: c.trackingNumber, title })], [timelineButton]);
  const takingOver = c.holderId !== null;
  if (takingOver && !confirmed) {
    return say(
      [line('officer.claimAsk', { trackingNumber: c.trackingNumber, title, holder: c.holderName ?? '-' })],
      [
        {
          id: `off.claim:${c.trackingNumber}:ya`,
          label: line('officer.option.takeOver', { trackingNumber: c.trackingNumber }),
        },
        timelineButton,
      ],
    );
  }
  const now = deps.clock();
  const outbox = await take(deps, officer, c, takingOver, timelineButton, now);
  if (!outbox) {
    const fresh = await findOfficerCase(deps.tx, deps.city, c.trackingNumber);
    return fresh
      ? claim(deps, officer, fresh, false)
      : say([line('officer.notFound', { trackingNumber: c.trackingNumber })]);
  }
  return {
    ...say([line('officer.claimed', { trackingNumber: c.trackingNumber, title })], [timelineButton]),
    outbox,
  };
}

/** Makes the case the officer's, from the holder they were shown; null when it changed meanwhile. */
async function take(
  deps: InTx,
  officer: Officer,
  c: OfficerCase,
  takingOver: boolean,
  timelineButton: Option,
  now: Date,
): Promise<Array<{ id: string; channel: ChannelName }> | null> {
  const { tx } = deps;
  // Only from the holder the officer was shown: one who changed meanwhile is asked about again.
  if (!(await assignCase(tx, c, officer.id))) return null;
  const note = takingOver
    ? `Diambil alih dari ${c.holderName ?? '-'} oleh ${officer.name}`
    : `Diambil oleh ${officer.name}`;
  await recordCaseNote(tx, c, { type: 'officer', id: officer.id }, note, now);
  const previous = takingOver ? await tx.officer.findUnique({ where: { id: c.holderId! } }) : null;
  if (!previous?.active || !previous.channel || !previous.address) return [];
  const lang = languageOf(deps, previous);
  return [
    await writeNotification(tx, {
      channel: previous.channel,
      address: previous.address,
      language: lang,
      officerId: previous.id,
      replies: [
        {
          lines: [
            line('officer.takenOver', {
              trackingNumber: c.trackingNumber,
              title: c.titles[lang],
              name: officer.name,
            }),
          ],
          options: [timelineButton],
        },
      ],
    }),
  ];
}

async function reply(deps: InTx, officer: Officer, c: OfficerCase, text: string): Promise<OfficerOutcome> {
  if (!text) return say([line('officer.replyHow')]);
  if (!c.open) return say([line('officer.refused.invalid_transition', { trackingNumber: c.trackingNumber })]);
  const { tx } = deps;
  const now = deps.clock();
  const changes: CaseClocksChanged[] = [];
  const citizen = await tx.citizen.findUniqueOrThrow({
    where: { id: c.citizenId },
    include: { identities: { orderBy: { lastSeenAt: 'desc' } } },
  });
  const identity = preferredIdentity(citizen.identities, citizen.smsOptOut);
  await recordCaseNote(tx, c, { type: 'officer', id: officer.id }, `Balasan petugas: ${text}`, now);
  // An officer's reply to the reporter is the first response (caseClocks.isFirstResponse).
  const clocks =
    CASE_KIND[c.kind].clocks.includes('firstResponse') && identity ? await recordFirstResponse(tx, c.id, now) : null;
  const resolve = clocks?.find((k) => k.clock === 'resolve');
  if (clocks && resolve) changes.push({ sla: resolve, clocks });
  if (!identity) return { ...say([line('officer.replyNotSent', { trackingNumber: c.trackingNumber })]), changes };
  // Every way to them opted out: the row is written and suppressed (the outbox shows it), and
  // the officer hears it was not sent.
  const reached = !identity.optedOutAt && !(identity.channel === 'sms' && citizen.smsOptOut);
  // What a citizen sees of the officer, name or role only, is the city's choice.
  const said = deps.city.privacy.showOfficerName
    ? line('officer.toCitizenNamed', { trackingNumber: c.trackingNumber, name: officer.name, text })
    : line('officer.toCitizen', { trackingNumber: c.trackingNumber, text });
  const row = await writeNotification(tx, {
    channel: identity.channel,
    address: identity.address,
    language: citizen.language,
    citizenId: citizen.id,
    // The citizen's own conversation with the officer: it goes at once, even at night.
    conversation: true,
    replies: [{ lines: [said, line('officer.toCitizenHint')] }],
  });
  const told = line(reached ? 'officer.replySent' : 'officer.replyNotSent', { trackingNumber: c.trackingNumber });
  return {
    ...say([told]),
    outbox: [row],
    changes,
    effects: [
      {
        type: 'thread.open',
        citizenId: citizen.id,
        thread: { trackingNumber: c.trackingNumber, officerId: officer.id },
      },
    ],
  };
}

async function move(
  deps: InTx,
  officer: Officer,
  c: OfficerCase,
  to: string | undefined,
  note: string,
): Promise<OfficerOutcome> {
  if (!to) {
    const next = nextStatuses(c);
    return say([line('officer.statusHow'), ...next.lines], next.options);
  }
  const changed = await changeCaseStatusIn(deps.tx, deps.city, {
    trackingNumber: c.trackingNumber,
    to: to as never,
    actor: { type: 'officer', id: officer.id },
    note: note || undefined,
    now: deps.clock(),
  });
  // The buttons of the next steps, so a case is walked on without typing.
  const { options } = nextStatuses({ ...c, status: changed.status });
  return {
    replies: [
      {
        lines: [line('officer.moved', { trackingNumber: c.trackingNumber, kind: c.kind, status: changed.status })],
        ...(options.length > 0 ? { options } : {}),
      },
    ],
    outbox: changed.outbox,
    changes: [changed],
  };
}

/**
 * /selesai: a case closed in one step where its lifecycle has a way to done that needs no reason
 * (a waiting complaint is verified, taken in process and done), each status its own event, all
 * in one transaction. The note goes with the last step; the citizen is told each as usual.
 */
async function finish(deps: InTx, officer: Officer, c: OfficerCase, note: string): Promise<OfficerOutcome> {
  const steps = walkToDone(c.kind, c.status);
  if (!steps || steps.length === 1 || !canWalkToDone(officer, c.departmentCode))
    return move(deps, officer, c, 'done', note);
  const now = deps.clock();
  const changed: StatusChanged[] = [];
  for (const [i, to] of steps.entries()) {
    changed.push(
      await changeCaseStatusIn(deps.tx, deps.city, {
        trackingNumber: c.trackingNumber,
        to: to as never,
        actor: { type: 'officer', id: officer.id },
        note: i === steps.length - 1 ? note || undefined : undefined,
        now,
      }),
    );
  }
  const last = changed.at(-1)!;
  return {
    replies: [
      {
        lines: [
          line('officer.walked', { trackingNumber: c.trackingNumber, count: steps.length }),
          ...steps.map((status) => line('officer.walkedStep', { kind: c.kind, status })),
          line('officer.moved', { trackingNumber: c.trackingNumber, kind: c.kind, status: last.status }),
        ],
      },
    ],
    outbox: changed.flatMap((m) => m.outbox),
    // The last change holds every clock as the walk left it.
    changes: [last],
  };
}

async function forward(
  deps: InTx,
  officer: Officer,
  c: OfficerCase,
  department: string,
  note: string,
): Promise<OfficerOutcome> {
  if (!CASE_KIND[c.kind].forwardable) return say([line('officer.forwardPermit')]);
  if (!deps.city.departments.some((d) => d.code === department))
    return say([line('officer.forwardHow', { example: forwardExample(deps.city, c.departmentCode) })]);
  const changed = await changeCaseStatusIn(deps.tx, deps.city, {
    trackingNumber: c.trackingNumber,
    to: 'dispositioned',
    departmentCode: department,
    actor: { type: 'officer', id: officer.id },
    note: note || `Diteruskan ke ${department}`,
    now: deps.clock(),
  });
  const told = await notifyDepartment(
    deps.tx,
    department,
    { trackingNumber: c.trackingNumber, title: c.title },
    'officer.forwardedToYou',
  );
  return {
    replies: [{ lines: [line('officer.forwarded', { trackingNumber: c.trackingNumber, department })] }],
    outbox: [...changed.outbox, ...told],
    changes: [changed],
  };
}

/** A department of the city's own to name in the forward example: another one that takes complaints. */
function forwardExample(city: CityData, from: string): string {
  const takes = city.departments.filter((d) => d.code !== from && d.handles.some((h) => h.startsWith('complaints:')));
  return (takes[0] ?? city.departments[0]!).code;
}

async function timeline(deps: InTx, officer: Officer, c: OfficerCase): Promise<OfficerOutcome> {
  const { tx: prisma, city } = deps;
  const events = await caseEvents(prisma, c);
  const citizen = await prisma.citizen.findUnique({
    where: { id: c.citizenId },
    include: { identities: { where: { optedOutAt: { not: null } }, orderBy: { optedOutAt: 'asc' } } },
  });
  // An Open311 complaint's reporter is named on the complaint, not on a citizen.
  const name = c.reporter?.name ?? citizen?.fullName;
  const phone = c.reporter?.phone ?? citizen?.phone;
  const lang = languageOf(deps, officer);
  const at = (d: Date) => formatDateTime(d, lang, city.timezone);
  const lines = [
    line('officer.timelineHeader', {
      trackingNumber: c.trackingNumber,
      title: c.titles[lang],
      kind: c.kind,
      status: c.status,
      deadline: at(c.deadlineAt),
    }),
    // An anonymous complainant stays unknown to officers (SP4N-LAPOR!).
    c.anonymous
      ? line('officer.reporterHidden')
      : line('officer.reporter', {
          name: name ?? '-',
          phone: phone ? maskPhone(phone) : '-',
        }),
  ];
  // Where the citizen takes no messages (a blocked bot, an unsubscribed number): the officer
  // knows a reply there will not arrive. Not for an anonymous complainant, who stays unknown.
  for (const i of c.anonymous ? [] : (citizen?.identities ?? [])) {
    lines.push(
      line('officer.optedOut', {
        channel: i.channel,
        since: i.optedOutAt ? at(i.optedOutAt) : '-',
        reason: i.optOutReason ?? 'sms-stop',
      }),
    );
  }
  if (c.description) lines.push(line('officer.description', { text: c.description }));
  for (const e of events) {
    lines.push(
      line(e.note ? 'officer.eventNote' : 'officer.event', {
        at: at(e.createdAt),
        kind: c.kind,
        status: e.toStatus,
        actor: e.actorType,
        note: e.note ?? '',
      }),
    );
  }
  await recordPersonalData(prisma, [
    {
      at: deps.clock(),
      actor: { type: 'officer', id: officer.id },
      action: 'view',
      via: 'bot',
      citizenId: c.citizenId,
      caseKind: c.kind,
      trackingNumber: c.trackingNumber,
      fields: timelineFields(c.anonymous, name, phone, c.description),
    },
  ]);
  const options: Option[] = c.open
    ? [
        {
          id: `off.claim:${c.trackingNumber}`,
          label: line('officer.option.claim', { trackingNumber: c.trackingNumber }),
        },
        { id: `off.done:${c.trackingNumber}`, label: line('officer.option.done') },
      ]
    : [];
  return say(lines, options);
}

/** The personal fields a timeline shows: an anonymous complainant's name and number are not among them. */
function timelineFields(
  anonymous: boolean,
  name: string | null | undefined,
  phone: string | null | undefined,
  description: string | null,
): PersonalField[] {
  const fields: PersonalField[] = [];
  if (!anonymous && name) fields.push('name');
  if (!anonymous && phone) fields.push('phone');
  if (description) fields.push('description');
  return fields;
}

/**
 * Tells a department's officers of a new or forwarded case, with buttons to take or view it.
 * Runs in the caller's transaction.
 */
export async function notifyDepartment(
  tx: Prisma.TransactionClient,
  departmentCode: string,
  c: { trackingNumber: string; title: string },
  key = 'officer.newCase',
): Promise<Array<{ id: string; channel: ChannelName }>> {
  const officers = await tx.officer.findMany({
    where: {
      departmentCode,
      active: true,
      role: { in: ['officer', 'supervisor'] },
      channel: { not: null },
      address: { not: null },
    },
  });
  const written = [];
  for (const o of officers) {
    written.push(
      await writeNotification(tx, {
        channel: o.channel!,
        address: o.address!,
        language: o.language ?? 'id',
        officerId: o.id,
        replies: [
          {
            lines: [line(key, { trackingNumber: c.trackingNumber, title: c.title, department: departmentCode })],
            options: [
              {
                id: `off.claim:${c.trackingNumber}`,
                label: line('officer.option.claim', { trackingNumber: c.trackingNumber }),
              },
              { id: `off.timeline:${c.trackingNumber}`, label: line('officer.option.timeline') },
            ],
          },
        ],
      }),
    );
  }
  return written;
}
