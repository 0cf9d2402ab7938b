import { CASE_KIND } from '../cases/caseKinds.js';
import type { CityData } from '../city/loadCityData.js';
import type { ChannelName, Lang, Line, Option, Reply } from '../conversation/types.js';
import type { Thread } from '../conversation/thread.js';
import { formatDateTime } from '../domain/calendarDate.js';
import { maskPhone } from '../domain/mask.js';
import { storableText } from '../domain/storableText.js';
import type { PersonalDataEventInput, PersonalField } from '../privacy/trail.js';
import { canAct, canSee, canWalkToDone, type OfficerIdentity } from './authorize.js';
import type { CaseEvent, OfficerCase } from './caseLookup.js';
import { nextStatuses } from './nextStatuses.js';
import { textAfter, type OfficerCommand } from './parseOfficerCommand.js';
import { walkToDone } from './walkToDone.js';

/** The officer as a decision sees them. */
export type DecidingOfficer = OfficerIdentity & { id: string; name: string; language: Lang | null };

/** A chat account a notification goes to. */
export interface Recipient {
  channel: ChannelName;
  address: string;
  language: Lang;
}

/**
 * What a command changes, carried out by the executor (officerEffects.ts) in the message's
 * transaction, in order. A case move or assignment that is refused there undoes every effect of
 * the command (a savepoint) and is answered instead.
 */
export type OfficerEffect =
  /** The case becomes `to`'s, only if `from` still holds it (else the command is decided again). */
  | { type: 'case.assign'; case: Pick<OfficerCase, 'kind' | 'id' | 'holderId' | 'trackingNumber'>; to: string }
  /** An event on the case's trail that leaves its status as it is. */
  | { type: 'case.note'; case: Pick<OfficerCase, 'kind' | 'id' | 'status'>; officerId: string; note: string }
  /** A status change through changeCaseStatus (the citizen told, the SLA clocks moved). */
  | {
      type: 'case.move';
      trackingNumber: string;
      to: string;
      officerId: string;
      note?: string | undefined;
      departmentCode?: string | undefined;
    }
  /** The officer answered the reporter: the complaint's first-response clock stops. */
  | { type: 'case.firstResponse'; caseId: string }
  /** A message to another officer. */
  | { type: 'notify.officer'; officerId: string; to: Recipient; replies: Reply[] }
  /** A message to a citizen in their own conversation with the officer (it goes at once, even at night). */
  | { type: 'notify.citizen'; citizenId: string; to: Recipient; replies: Reply[] }
  /** The department's officers hear of a case (forwarded to them). */
  | { type: 'notify.department'; departmentCode: string; trackingNumber: string; title: string; key: string }
  /** The citizen's next free text goes back to this officer while the case is open. */
  | { type: 'thread.open'; citizenId: string; thread: Thread }
  /** What the answer shows of someone's personal data goes on the trail (UU PDP). */
  | { type: 'trail.record'; events: PersonalDataEventInput[] };

/** An officer's command decided: the answer, what it changes, and a refusal worth a warning in the log. */
export interface OfficerDecision {
  replies: Reply[];
  effects: OfficerEffect[];
  warn?: string;
}

/** What the decision reads, gathered beforehand by readOfficerFacts. */
export interface OfficerFacts {
  command: OfficerCommand | null;
  /** The case the command names (null: none by that number). */
  case?: OfficerCase | null;
  /** /antrian: open cases of the officer's departments, nearest deadline first. */
  queue?: OfficerCase[];
  /** /cari: what the words found. */
  found?: OfficerCase[];
  /** /ambil of a held case: its holder, when still active on a chat account. */
  holder?: (Recipient & { id: string }) | null;
  /** /balas: where the citizen is reached (null: nowhere), and whether every way to them is opted out. */
  recipient?: { citizenId: string; to: Recipient | null; reached: boolean } | null;
  /** /riwayat: the trail, and the reporter as officers may see them. */
  timeline?: {
    events: CaseEvent[];
    name: string | null;
    phone: string | null;
    optedOut: Array<{ channel: ChannelName; since: Date | null; reason: string | null }>;
  };
}

export interface DecisionContext {
  city: Pick<CityData, 'timezone' | 'privacy' | 'departments' | 'defaultLanguage'>;
  /** The language of an officer who has not chosen one; unset, the city's. */
  defaultLanguage?: Lang | undefined;
  now: Date;
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

const line = (key: string, params?: Line['params']): Line => (params ? { key, params } : { key });
const say = (lines: Line[], options?: Option[], effects: OfficerEffect[] = []): OfficerDecision => ({
  replies: [options && options.length > 0 ? { lines, options } : { lines }],
  effects,
});

/** The language the officer reads: their own, or the city's. */
export const languageOf = (
  ctx: Pick<DecisionContext, 'city' | 'defaultLanguage'>,
  o: { language: Lang | null },
): Lang => o.language ?? ctx.defaultLanguage ?? ctx.city.defaultLanguage;

/** Whether the command names a case (and so the facts hold the one it names). */
export function namesCase(command: OfficerCommand | null): command is OfficerCommand {
  return command !== null && !['help', 'register', 'queue', 'search'].includes(command.name);
}

/**
 * An officer's command as a pure decision: the department's queue, claiming, replying to the
 * citizen, moving a case, the timeline, search. Authorisation is decided here, in the core;
 * every action is an effect with the officer as actor, carried out in one transaction.
 */
export function decideOfficerCommand(
  ctx: DecisionContext,
  officer: DecidingOfficer,
  facts: OfficerFacts,
): OfficerDecision {
  const { command } = facts;
  if (!command || command.name === 'help') return say([line('officer.help')]);
  if (command.name === 'register') return say([line('officer.alreadyRegistered', { name: officer.name })]);
  if (command.name === 'queue') return queue(ctx, officer, facts.queue ?? []);
  if (command.name === 'search') return search(ctx, officer, command.rest, facts.found ?? []);

  const typed = command.args[0] ?? '';
  const c = facts.case;
  if (!c) return say([line('officer.notFound', { trackingNumber: storableText(typed, 20) })]);
  if (!canSee(officer, c.departmentCode))
    return { ...say([line('officer.notYours', { trackingNumber: c.trackingNumber })]), warn: 'other department' };
  if (command.name === 'timeline') return timeline(ctx, officer, c, facts.timeline);
  if (!canAct(officer, c.departmentCode))
    return { ...say([line('officer.readOnly', { trackingNumber: c.trackingNumber })]), warn: 'read only' };
  switch (command.name) {
    case 'claim':
      return claim(ctx, officer, c, CONFIRM_WORDS.has((command.args[1] ?? '').toLowerCase()), facts.holder ?? null);
    case 'reply':
      return reply(ctx, officer, c, textAfter(command.rest, 1), facts.recipient ?? null);
    case 'status':
      return move(officer, c, STATUS_WORDS[(command.args[1] ?? '').toLowerCase()], textAfter(command.rest, 2));
    case 'done':
      return finish(officer, c, textAfter(command.rest, 1));
    case 'reject':
      return move(
        officer,
        c,
        CASE_KIND[c.kind].statuses.includes('not_authority') && /bukan/i.test(command.args[1] ?? '')
          ? 'not_authority'
          : 'rejected',
        textAfter(command.rest, 1),
      );
    case 'forward':
      return forward(ctx, officer, c, (command.args[1] ?? '').toUpperCase(), textAfter(command.rest, 2));
    default:
      return say([line('officer.help')]);
  }
}

/** The answer when the executor refused a command's move (a CaseError): why, and what can come next. */
export function decideRefusal(c: OfficerCase, code: string): OfficerDecision {
  const refused = line(`officer.refused.${code}`, { trackingNumber: c.trackingNumber });
  if (code !== 'invalid_transition') return say([refused]);
  // Say what can come next, so the officer is not left guessing the lifecycle.
  const next = nextStatuses(c);
  return say([refused, ...next.lines], next.options);
}

function queue(ctx: DecisionContext, officer: DecidingOfficer, cases: OfficerCase[]): OfficerDecision {
  if (cases.length === 0) return say([line('officer.queueEmpty')]);
  const now = ctx.now.getTime();
  const lines = [line('officer.queueTitle', { count: cases.length })];
  for (const c of cases) {
    const hours = Math.round((c.deadlineAt.getTime() - now) / 3_600_000);
    lines.push(
      line(hours >= 0 ? 'officer.queueItem' : 'officer.queueItemOverdue', {
        trackingNumber: c.trackingNumber,
        title: c.titles[languageOf(ctx, officer)],
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

function search(ctx: DecisionContext, officer: DecidingOfficer, query: string, cases: OfficerCase[]): OfficerDecision {
  if (query.trim().length < 3) return say([line('officer.searchHow')]);
  const visible = cases.filter((c) => canSee(officer, c.departmentCode));
  if (visible.length === 0) return say([line('officer.searchNone')]);
  return say([
    line('officer.searchTitle', { count: visible.length }),
    ...visible.map((c) =>
      line('officer.searchItem', {
        trackingNumber: c.trackingNumber,
        title: c.titles[languageOf(ctx, officer)],
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
function claim(
  ctx: DecisionContext,
  officer: DecidingOfficer,
  c: OfficerCase,
  confirmed: boolean,
  holder: (Recipient & { id: string }) | null,
): OfficerDecision {
  if (!c.open) return say([line('officer.refused.invalid_transition', { trackingNumber: c.trackingNumber })]);
  const title = c.titles[languageOf(ctx, officer)];
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
  const note = takingOver
    ? `Diambil alih dari ${c.holderName ?? '-'} oleh ${officer.name}`
    : `Diambil oleh ${officer.name}`;
  const effects: OfficerEffect[] = [
    // Only from the holder the officer was shown: one who changed meanwhile is asked about again.
    { type: 'case.assign', case: c, to: officer.id },
    { type: 'case.note', case: c, officerId: officer.id, note },
  ];
  if (takingOver && holder) {
    const lang = holder.language;
    effects.push({
      type: 'notify.officer',
      officerId: holder.id,
      to: holder,
      replies: [
        {
          lines: [
            line('officer.takenOver', { trackingNumber: c.trackingNumber, title: c.titles[lang], name: officer.name }),
          ],
          options: [timelineButton],
        },
      ],
    });
  }
  return say([line('officer.claimed', { trackingNumber: c.trackingNumber, title })], [timelineButton], effects);
}

function reply(
  ctx: DecisionContext,
  officer: DecidingOfficer,
  c: OfficerCase,
  text: string,
  recipient: OfficerFacts['recipient'],
): OfficerDecision {
  if (!text) return say([line('officer.replyHow')]);
  if (!c.open) return say([line('officer.refused.invalid_transition', { trackingNumber: c.trackingNumber })]);
  const effects: OfficerEffect[] = [
    { type: 'case.note', case: c, officerId: officer.id, note: `Balasan petugas: ${text}` },
  ];
  const to = recipient?.to ?? null;
  // An officer's reply to the reporter is the first response (caseClocks.isFirstResponse).
  if (to && CASE_KIND[c.kind].clocks.includes('firstResponse'))
    effects.push({ type: 'case.firstResponse', caseId: c.id });
  if (!to || !recipient) return say([line('officer.replyNotSent', { trackingNumber: c.trackingNumber })], [], effects);
  // What a citizen sees of the officer, name or role only, is the city's choice.
  const said = ctx.city.privacy.showOfficerName
    ? line('officer.toCitizenNamed', { trackingNumber: c.trackingNumber, name: officer.name, text })
    : line('officer.toCitizen', { trackingNumber: c.trackingNumber, text });
  effects.push(
    // Every way to them opted out: the row is written and suppressed (the outbox shows it), and
    // the officer hears it was not sent.
    {
      type: 'notify.citizen',
      citizenId: recipient.citizenId,
      to,
      replies: [{ lines: [said, line('officer.toCitizenHint')] }],
    },
    {
      type: 'thread.open',
      citizenId: recipient.citizenId,
      thread: { trackingNumber: c.trackingNumber, officerId: officer.id },
    },
  );
  const told = recipient.reached ? 'officer.replySent' : 'officer.replyNotSent';
  return say([line(told, { trackingNumber: c.trackingNumber })], [], effects);
}

function move(officer: DecidingOfficer, c: OfficerCase, to: string | undefined, note: string): OfficerDecision {
  if (!to) {
    const next = nextStatuses(c);
    return say([line('officer.statusHow'), ...next.lines], next.options);
  }
  // The buttons of the next steps, so a case is walked on without typing.
  const { options } = nextStatuses({ ...c, status: to });
  return say([line('officer.moved', { trackingNumber: c.trackingNumber, kind: c.kind, status: to })], options, [
    { type: 'case.move', trackingNumber: c.trackingNumber, to, officerId: officer.id, note: note || undefined },
  ]);
}

/**
 * /selesai: a case closed in one step where its lifecycle has a way to done that needs no reason
 * (a waiting complaint is verified, taken in process and done), each status its own event, all
 * in one transaction. The note goes with the last step; the citizen is told each as usual.
 */
function finish(officer: DecidingOfficer, c: OfficerCase, note: string): OfficerDecision {
  const steps = walkToDone(c.kind, c.status);
  if (!steps || steps.length === 1 || !canWalkToDone(officer, c.departmentCode)) return move(officer, c, 'done', note);
  return say(
    [
      line('officer.walked', { trackingNumber: c.trackingNumber, count: steps.length }),
      ...steps.map((status) => line('officer.walkedStep', { kind: c.kind, status })),
      line('officer.moved', { trackingNumber: c.trackingNumber, kind: c.kind, status: steps.at(-1)! }),
    ],
    [],
    steps.map((to, i) => ({
      type: 'case.move' as const,
      trackingNumber: c.trackingNumber,
      to,
      officerId: officer.id,
      note: i === steps.length - 1 ? note || undefined : undefined,
    })),
  );
}

function forward(
  ctx: DecisionContext,
  officer: DecidingOfficer,
  c: OfficerCase,
  department: string,
  note: string,
): OfficerDecision {
  if (!CASE_KIND[c.kind].forwardable) return say([line('officer.forwardPermit')]);
  if (!ctx.city.departments.some((d) => d.code === department))
    return say([line('officer.forwardHow', { example: forwardExample(ctx.city, c.departmentCode) })]);
  return say(
    [line('officer.forwarded', { trackingNumber: c.trackingNumber, department })],
    [],
    [
      {
        type: 'case.move',
        trackingNumber: c.trackingNumber,
        to: 'dispositioned',
        departmentCode: department,
        officerId: officer.id,
        note: note || `Diteruskan ke ${department}`,
      },
      {
        type: 'notify.department',
        departmentCode: department,
        trackingNumber: c.trackingNumber,
        title: c.title,
        key: 'officer.forwardedToYou',
      },
    ],
  );
}

/** A department of the city's own to name in the forward example: another one that takes complaints. */
function forwardExample(city: Pick<CityData, 'departments'>, from: string): string {
  const takes = city.departments.filter((d) => d.code !== from && d.handles.some((h) => h.startsWith('complaints:')));
  return (takes[0] ?? city.departments[0]!).code;
}

function timeline(
  ctx: DecisionContext,
  officer: DecidingOfficer,
  c: OfficerCase,
  facts: OfficerFacts['timeline'],
): OfficerDecision {
  const lang = languageOf(ctx, officer);
  const at = (d: Date) => formatDateTime(d, lang, ctx.city.timezone);
  const { events = [], name = null, phone = null, optedOut = [] } = facts ?? {};
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
      : line('officer.reporter', { name: name ?? '-', phone: phone ? maskPhone(phone) : '-' }),
  ];
  // Where the citizen takes no messages (a blocked bot, an unsubscribed number): the officer
  // knows a reply there will not arrive. Not for an anonymous complainant, who stays unknown.
  for (const i of c.anonymous ? [] : optedOut) {
    lines.push(
      line('officer.optedOut', {
        channel: i.channel,
        since: i.since ? at(i.since) : '-',
        reason: i.reason ?? 'sms-stop',
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
  const options: Option[] = c.open
    ? [
        {
          id: `off.claim:${c.trackingNumber}`,
          label: line('officer.option.claim', { trackingNumber: c.trackingNumber }),
        },
        { id: `off.done:${c.trackingNumber}`, label: line('officer.option.done') },
      ]
    : [];
  return say(lines, options, [
    {
      type: 'trail.record',
      events: [
        {
          at: ctx.now,
          actor: { type: 'officer', id: officer.id },
          action: 'view',
          via: 'bot',
          citizenId: c.citizenId,
          caseKind: c.kind,
          trackingNumber: c.trackingNumber,
          fields: timelineFields(c.anonymous, name, phone, c.description),
        },
      ],
    },
  ]);
}

/** The personal fields a timeline shows: an anonymous complainant's name and number are not among them. */
function timelineFields(
  anonymous: boolean,
  name: string | null,
  phone: string | null,
  description: string | null,
): PersonalField[] {
  const fields: PersonalField[] = [];
  if (!anonymous && name) fields.push('name');
  if (!anonymous && phone) fields.push('phone');
  if (description) fields.push('description');
  return fields;
}
