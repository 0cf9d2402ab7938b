import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { boot } from '../boot.js';
import { ConfigError, loadConfig } from '../config/loadConfig.js';
import { normalizePhone } from '../domain/phone.js';
import type { CityData } from '../city/loadCityData.js';
import type { Officer, PersonalDataEvent, PrismaClient } from '../generated/prisma/client.js';
import { runRetention } from './retention.js';

const USAGE = `Usage:
  npm run privacy -- affected --officer <officer id|phone|chat address> --since <ISO time> [--until <ISO time>] [--json]
  npm run privacy -- affected --since <ISO time> --until <ISO time> [--json]
  npm run privacy -- trail --case <tracking number> [--json]
  npm run privacy -- trail --citizen <citizen id> [--json]
  npm run privacy -- retention [--json]

affected: the residents whose personal data an officer's account (its views and exports), or a
period (every personal-data event in it), touched: their channels and addresses in full, for the
breach notice UU PDP asks within 3 x 24 hours; the fields touched and how often.
trail: the trail of one case or one resident, for the inspectorate.
retention: runs the daily retention job once now (the worker runs it every night) and prints what it did.
Times are ISO 8601 (2026-12-01T08:00:00+07:00); --until defaults to now.`;

/** Where the CLI writes and what it reads the database through. */
export interface PrivacyCliIo {
  /** Opens the database on first use (the CLI boots only for valid arguments), with the city it serves. */
  db: () => Promise<PrismaClient>;
  city: () => Pick<CityData, 'privacy'>;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
}

type Parsed =
  | { verb: 'affected'; officer: string | null; since: Date; until: Date; json: boolean }
  | { verb: 'trail'; trackingNumber: string | null; citizenId: string | null; json: boolean }
  | { verb: 'retention'; json: boolean };

/** One resident a breach notice goes to. */
export interface AffectedResident {
  citizenId: string | null;
  name: string | null;
  /** Where to send the notice: chat identities, the phone and email on file, an Open311 reporter's contact. */
  contacts: Array<{ channel: string; address: string }>;
  /** How many times each personal field was touched. */
  fields: Record<string, number>;
  events: number;
  cases: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The arguments as a command, or what is wrong with them. */
function parse(argv: readonly string[], now: Date): Parsed | { error: string } {
  const [verb, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        officer: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        case: { type: 'string' },
        citizen: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  const json = values.json ?? false;
  if (verb === 'affected') {
    const since = instant(values.since);
    const until = values.until === undefined ? now : instant(values.until);
    if (!since) return { error: '--since must be an ISO time, e.g. 2026-12-01T08:00:00+07:00' };
    if (!until) return { error: '--until must be an ISO time, e.g. 2026-12-02T08:00:00+07:00' };
    if (since >= until) return { error: '--since must be before --until' };
    if (!values.officer && values.until === undefined)
      return { error: 'without --officer, give the period with both --since and --until' };
    return { verb, officer: values.officer ?? null, since, until, json };
  }
  if (verb === 'trail') {
    if (!values.case === !values.citizen)
      return { error: 'trail needs one of --case <tracking number> or --citizen <id>' };
    if (values.citizen && !UUID.test(values.citizen)) return { error: '--citizen must be a citizen id (a UUID)' };
    return { verb, trackingNumber: values.case?.toUpperCase() ?? null, citizenId: values.citizen ?? null, json };
  }
  if (verb === 'retention') return { verb, json };
  return { error: verb ? `unknown command ${verb}` : 'no command given' };
}

function instant(text: string | undefined): Date | null {
  if (!text || !/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The officer an id, phone number or chat address names, active or not (a breach may be of a closed account). */
async function findOfficer(prisma: PrismaClient, handle: string): Promise<Officer | null> {
  const phone = normalizePhone(handle);
  const found = await prisma.officer.findMany({
    where: {
      OR: [
        ...(UUID.test(handle) ? [{ id: handle }] : []),
        { address: handle },
        ...(phone ? [{ phone }, { address: phone }] : []),
      ],
    },
    take: 2,
  });
  return found.length === 1 ? found[0]! : null;
}

/**
 * Runs `npm run privacy -- <argv>`: the breach notice's list of affected residents, or a trail.
 * Exit code 0 done, 2 bad arguments (a message says what), 1 a failure.
 */
export async function runPrivacyCli(argv: readonly string[], io: PrivacyCliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    (argv.length === 0 ? io.err : io.out)(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const command = parse(argv, io.now());
  if ('error' in command) {
    io.err(`privacy: ${command.error}\n\n${USAGE}`);
    return 2;
  }
  const prisma = await io.db();
  if (command.verb === 'trail') return trail(prisma, command, io);
  if (command.verb === 'retention') {
    const report = await runRetention(prisma, io.city(), io.now());
    io.out(command.json ? JSON.stringify(report, null, 2) : `retention: ${JSON.stringify(report)}`);
    return 0;
  }
  let officer: Officer | null = null;
  if (command.officer) {
    officer = await findOfficer(prisma, command.officer);
    if (!officer) {
      io.err(`privacy: no single officer is ${command.officer} (give the officer id, see npm run officer -- list)`);
      return 2;
    }
  }
  const residents = await affectedResidents(prisma, officer?.id ?? null, command.since, command.until);
  const period = { since: command.since.toISOString(), until: command.until.toISOString() };
  if (command.json) {
    io.out(JSON.stringify({ ...period, officer: officer?.id ?? null, residents }, null, 2));
    return 0;
  }
  io.out(
    `${residents.length} resident(s) touched ${officer ? `by officer ${officer.name} (${officer.id})` : 'in the period'}, ${period.since} to ${period.until}:`,
  );
  for (const r of residents) {
    io.out('');
    io.out(`${r.name ?? '(no name)'}  ${r.citizenId ?? 'Open311 reporter'}`);
    for (const c of r.contacts) io.out(`  ${c.channel}: ${c.address}`);
    if (r.contacts.length === 0) io.out('  no contact on file');
    const fields = Object.entries(r.fields).map(([f, n]) => `${f} x${n}`);
    io.out(`  ${r.events} event(s); fields: ${fields.join(', ') || '-'}; cases: ${r.cases.join(', ') || '-'}`);
  }
  return 0;
}

/**
 * The residents whose data the events of the period touched: an officer's views and exports, or
 * (without an officer) every personal-data event. An Open311 reporter, who has no chat identity,
 * is listed under the complaint's own contact.
 */
export async function affectedResidents(
  prisma: PrismaClient,
  officerId: string | null,
  since: Date,
  until: Date,
): Promise<AffectedResident[]> {
  const events = await prisma.personalDataEvent.findMany({
    where: {
      at: { gte: since, lt: until },
      ...(officerId ? { actorType: 'officer', actorId: officerId, action: { in: ['view', 'export'] } } : {}),
    },
    orderBy: { id: 'asc' },
  });
  const byKey = new Map<string, AffectedResident>();
  const reporters = await open311Reporters(prisma, events);
  const citizens = await prisma.citizen.findMany({
    where: { id: { in: [...new Set(events.flatMap((e) => (e.citizenId ? [e.citizenId] : [])))] } },
    include: { identities: { orderBy: { lastSeenAt: 'desc' } } },
  });
  for (const e of events) {
    const reporter = e.trackingNumber ? reporters.get(e.trackingNumber) : undefined;
    const citizen = citizens.find((c) => c.id === e.citizenId);
    if (!reporter && !citizen) continue;
    const key = reporter ? `open311:${reporter.contacts.map((c) => c.address).join(',')}` : citizen!.id;
    let r = byKey.get(key);
    if (!r) {
      r = reporter
        ? { citizenId: null, name: reporter.name, contacts: reporter.contacts, fields: {}, events: 0, cases: [] }
        : {
            citizenId: citizen!.id,
            name: citizen!.fullName,
            contacts: contactsOf(citizen!),
            fields: {},
            events: 0,
            cases: [],
          };
      byKey.set(key, r);
    }
    r.events += 1;
    for (const f of e.fields) r.fields[f] = (r.fields[f] ?? 0) + 1;
    if (e.trackingNumber && !r.cases.includes(e.trackingNumber)) r.cases.push(e.trackingNumber);
  }
  return [...byKey.values()];
}

function contactsOf(citizen: {
  phone: string | null;
  email: string | null;
  identities: Array<{ channel: string; address: string }>;
}): AffectedResident['contacts'] {
  const contacts = citizen.identities.map((i) => ({ channel: i.channel, address: i.address }));
  if (citizen.phone && !contacts.some((c) => c.address === citizen.phone))
    contacts.push({ channel: 'sms', address: citizen.phone });
  if (citizen.email) contacts.push({ channel: 'email', address: citizen.email });
  return contacts;
}

/** The touched complaints filed through Open311 (a reporter's email or phone, no chat identity), by tracking number. */
async function open311Reporters(
  prisma: PrismaClient,
  events: PersonalDataEvent[],
): Promise<Map<string, { name: string | null; contacts: AffectedResident['contacts'] }>> {
  const numbers = [
    ...new Set(events.flatMap((e) => (e.caseKind === 'complaint' && e.trackingNumber ? [e.trackingNumber] : []))),
  ];
  const complaints = await prisma.complaint.findMany({
    where: {
      trackingNumber: { in: numbers },
      OR: [{ reporterEmail: { not: null } }, { reporterPhone: { not: null } }],
      citizen: { identities: { none: {} } },
    },
    select: { trackingNumber: true, reporterName: true, reporterEmail: true, reporterPhone: true },
  });
  return new Map(
    complaints.map((c) => [
      c.trackingNumber,
      {
        name: c.reporterName,
        contacts: [
          ...(c.reporterPhone ? [{ channel: 'sms', address: c.reporterPhone }] : []),
          ...(c.reporterEmail ? [{ channel: 'email', address: c.reporterEmail }] : []),
        ],
      },
    ]),
  );
}

/** The trail of one case or one resident, oldest first, officers named. */
async function trail(
  prisma: PrismaClient,
  command: Extract<Parsed, { verb: 'trail' }>,
  io: PrivacyCliIo,
): Promise<number> {
  const events = await prisma.personalDataEvent.findMany({
    where: command.trackingNumber ? { trackingNumber: command.trackingNumber } : { citizenId: command.citizenId },
    orderBy: { id: 'asc' },
  });
  const ids = [...new Set(events.flatMap((e) => (e.actorType === 'officer' && e.actorId ? [e.actorId] : [])))];
  const officers = await prisma.officer.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const rows = events.map((e) => ({
    at: e.at.toISOString(),
    actor: { type: e.actorType, id: e.actorId, name: officers.find((o) => o.id === e.actorId)?.name ?? null },
    action: e.action,
    via: e.via,
    citizenId: e.citizenId,
    caseKind: e.caseKind,
    trackingNumber: e.trackingNumber,
    fields: e.fields,
  }));
  if (command.json) {
    io.out(JSON.stringify({ events: rows }, null, 2));
    return 0;
  }
  io.out(`${rows.length} event(s) for ${command.trackingNumber ?? `citizen ${command.citizenId}`}:`);
  for (const r of rows) {
    const actor = r.actor.name
      ? `${r.actor.type} ${r.actor.name} (${r.actor.id})`
      : `${r.actor.type} ${r.actor.id ?? ''}`;
    io.out(
      `${r.at}  ${r.action.padEnd(9)} via ${r.via.padEnd(6)} ${actor.trim()}  ${r.trackingNumber ?? '-'}  ${r.fields.join(',') || '-'}`,
    );
  }
  return 0;
}

async function main(): Promise<number> {
  let close: (() => Promise<void>) | null = null;
  let city: CityData | null = null;
  try {
    return await runPrivacyCli(process.argv.slice(2), {
      db: async () => {
        const core = await boot(loadConfig());
        close = () => core.close();
        city = core.city;
        return core.db.prisma;
      },
      city: () => city!,
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      now: () => new Date(),
    });
  } finally {
    await (close as (() => Promise<void>) | null)?.();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : `privacy: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
