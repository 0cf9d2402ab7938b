import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { SlaScheduler } from '../../core/sla/SlaScheduler.js';
import { fileShortPermit } from '../support/fileShortPermit.js';
import { captureLogger } from '../support/silentLogger.js';
import { INSPECTOR_CHAT, type FaultRig } from './FaultRig.js';
import { SmsTraffic } from './SmsTraffic.js';

/** What one fault did to the traffic around it: one row of the fault table. */
export interface FaultRow {
  fault: string;
  /** Messages the citizens sent (distinct MessageSids). */
  messages: number;
  /** Of those, answered 2xx (after re-sends where the web process was away). */
  answered: number;
  /** Requests beyond the first of each message: re-sends after a failure and deliberate duplicates. */
  resent: number;
  /** Messages recorded as received (ProcessedInbound). */
  stored: number;
  /** Replies written to the outbox and recorded as sent. */
  repliesSent: number;
  /** SMS that Twilio accepted for the citizens. */
  smsAccepted: number;
  /** SMS and escalation messages sent more than once, and replies written twice for one message. */
  duplicates: number;
  /** Messages answered 2xx without their effect, and replies not delivered by the end. */
  lost: number;
  /** SMS that reached a citizen before an earlier reply to them. */
  outOfOrder: number;
  escalationsExpected: number;
  /** Cases whose escalation reached the Inspectorate by email, SMS and bot. */
  escalationsSent: number;
  /** When the escalation fired (its SlaNotice): ms after the deadline, and after the fault was over. */
  escalationFired: { afterDeadlineMs: number; afterFaultMs: number } | null;
  /** The slowest webhook answered 2xx, in ms. */
  slowestAnswerMs: number;
  /** The longest a reply took from being written to being accepted by Twilio, in ms. */
  slowestReplyMs: number;
}

export interface FaultScenario {
  fault: string;
  citizens: number;
  /** Messages per second, all citizens together. */
  perSecond: number;
  /** How long the citizens write. */
  trafficMs: number;
  /** When the fault begins, from the first message. */
  faultAtMs: number;
  /** Breaks something and, when it resolves, has mended it. */
  inject(rig: FaultRig): Promise<void>;
  /** A case whose deadline falls this long after the fault begins: its escalation must survive. */
  deadlineAfterFaultMs?: number;
  /** How long to wait for everything to settle once the traffic and the fault are over. */
  settleMs?: number;
}

let scenarioSerial = 0;

/**
 * Runs traffic through the rig's web and worker processes, injects the fault in the middle of
 * it, waits for everything to settle, and counts against the database and the fakes what was
 * sent, answered, stored, delivered, duplicated and lost.
 */
export async function runFaultScenario(rig: FaultRig, scenario: FaultScenario): Promise<FaultRow> {
  const serial = ++scenarioSerial;
  const citizens = Array.from(
    { length: scenario.citizens },
    (_, i) =>
      `6281${String(process.pid % 100).padStart(2, '0')}${String(serial).padStart(2, '0')}${String(i).padStart(5, '0')}`,
  );
  const { prisma } = rig.db;

  let escalation: { trackingNumber: string; deadlineAt: Date } | null = null;
  if (scenario.deadlineAfterFaultMs !== undefined) {
    const permit = await fileShortPermit(prisma, rig.city, {
      now: new Date(),
      dueInMs: scenario.faultAtMs + scenario.deadlineAfterFaultMs,
      phone: `6281399${String(serial).padStart(6, '0')}`,
    });
    // Scheduled as the web process that filed it would: through the product's SlaScheduler.
    const redis = new Redis(rig.redis.url, { maxRetriesPerRequest: null });
    const scheduler = new SlaScheduler({
      prisma,
      city: rig.city,
      logger: captureLogger().logger,
      clock: () => new Date(),
      connection: redis,
      prefix: 'layankota',
      dispatch: async () => undefined,
    });
    await scheduler.schedule(permit.sla);
    await scheduler.close();
    redis.disconnect();
    escalation = { trackingNumber: permit.trackingNumber, deadlineAt: permit.sla.deadlineAt };
  }

  const traffic = new SmsTraffic(rig, citizens, { perSecond: scenario.perSecond, duplicateEvery: 10 });
  const started = Date.now();
  traffic.start();
  await sleep(scenario.faultAtMs);
  await scenario.inject(rig);
  const faultOverAt = Date.now();
  await sleep(Math.max(0, started + scenario.trafficMs - Date.now()));
  await traffic.stop();

  // Settled: every stored message has its reply, nothing is pending, the escalation has gone out.
  const settleBy = Date.now() + (scenario.settleMs ?? 120_000);
  const sids = traffic.messages.map((m) => m.sid);
  const escalationOut = () =>
    !escalation ||
    (rig.sink.to(rig.city.sla.escalation[0]!.emails[0]!).some((m) => m.subject.includes(escalation!.trackingNumber)) &&
      rig.callsTo(rig.city.sla.escalation[0]!.phones[0]!).some((c) => c.Body.includes(escalation!.trackingNumber)) &&
      rig.telegram
        .callsOf('sendMessage', INSPECTOR_CHAT)
        .some((m) => String(m.params.text).includes(escalation!.trackingNumber)));
  while (Date.now() < settleBy) {
    const [stored, rows, pending] = await Promise.all([
      prisma.processedInbound.count({ where: { channel: 'sms', externalId: { in: sids } } }),
      prisma.outboxMessage.count({ where: { address: { in: citizens } } }),
      prisma.outboxMessage.count({ where: { status: 'pending' } }),
    ]);
    if (
      stored === traffic.messages.filter((m) => m.answered).length &&
      rows >= stored &&
      pending === 0 &&
      escalationOut()
    )
      break;
    await sleep(250);
  }
  // Whatever was still coming has come: a duplicate would show now.
  await sleep(2000);
  return measure(rig, scenario, traffic, citizens, escalation, faultOverAt);
}

async function measure(
  rig: FaultRig,
  scenario: FaultScenario,
  traffic: SmsTraffic,
  citizens: string[],
  escalation: { trackingNumber: string; deadlineAt: Date } | null,
  faultOverAt: number,
): Promise<FaultRow> {
  const { prisma } = rig.db;
  const sent = traffic.messages;
  const stored = new Set(
    (
      await prisma.processedInbound.findMany({
        where: { channel: 'sms', externalId: { in: sent.map((m) => m.sid) } },
        select: { externalId: true },
      })
    ).map((r) => r.externalId),
  );
  const rows = await prisma.outboxMessage.findMany({
    where: { address: { in: citizens } },
    orderBy: { seq: 'asc' },
    select: { address: true, status: true, seq: true, providerMessageId: true, createdAt: true },
  });

  let duplicates = 0;
  let lost = sent.filter((m) => m.answered && !stored.has(m.sid)).length;
  let outOfOrder = 0;
  let smsAccepted = 0;
  let slowestReplyMs = 0;
  for (const citizen of citizens) {
    const theirRows = rows.filter((r) => r.address === citizen);
    const storedOfTheirs = sent.filter((m) => m.from === citizen && stored.has(m.sid)).length;
    // One reply row per message received: fewer is a loss, more a double effect.
    lost += Math.max(0, storedOfTheirs - theirRows.length);
    duplicates += Math.max(0, theirRows.length - storedOfTheirs);
    lost += theirRows.filter((r) => r.status !== 'sent').length;
    const rowOfSid = new Map<string, bigint>();
    const writtenAt = new Map<string, number>();
    for (const r of theirRows) {
      for (const sid of (r.providerMessageId ?? '').split(',').filter(Boolean)) {
        rowOfSid.set(sid, r.seq);
        writtenAt.set(sid, r.createdAt.getTime());
      }
    }
    const calls = rig.callsTo(citizen);
    for (const c of calls) {
      const written = writtenAt.get(c.sid);
      if (written !== undefined) slowestReplyMs = Math.max(slowestReplyMs, c.at.getTime() - written);
    }
    smsAccepted += calls.length;
    // A text Twilio took that no row records is a second hand-over of some reply.
    duplicates += calls.filter((c) => !rowOfSid.has(c.sid)).length;
    const recorded = new Set(calls.map((c) => c.sid));
    lost += [...rowOfSid.keys()].filter((sid) => !recorded.has(sid)).length;
    const order = calls.map((c) => rowOfSid.get(c.sid)).filter((seq): seq is bigint => seq !== undefined);
    for (let i = 1; i < order.length; i++) if (order[i]! < order[i - 1]!) outOfOrder++;
  }

  let escalationsSent = 0;
  let escalationFired: FaultRow['escalationFired'] = null;
  if (escalation) {
    const permit = await prisma.permitApplication.findUniqueOrThrow({
      where: { trackingNumber: escalation.trackingNumber },
      select: { id: true },
    });
    const notice = await prisma.slaNotice.findFirst({ where: { caseId: permit.id, kind: 'escalation' } });
    if (notice) {
      escalationFired = {
        afterDeadlineMs: notice.firedAt.getTime() - escalation.deadlineAt.getTime(),
        afterFaultMs: notice.firedAt.getTime() - faultOverAt,
      };
    }
    const about = escalation.trackingNumber;
    const level = rig.city.sla.escalation[0]!;
    const counts = [
      rig.sink.to(level.emails[0]!).filter((m) => m.subject.includes(about)).length,
      rig.callsTo(level.phones[0]!).filter((c) => c.Body.includes(about)).length,
      rig.telegram.callsOf('sendMessage', INSPECTOR_CHAT).filter((m) => String(m.params.text).includes(about)).length,
    ];
    if (counts.every((n) => n >= 1)) escalationsSent = 1;
    duplicates += counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  }

  return {
    fault: scenario.fault,
    messages: sent.length,
    answered: sent.filter((m) => m.answered).length,
    resent: sent.reduce((sum, m) => sum + m.requests - 1, 0),
    stored: stored.size,
    repliesSent: rows.filter((r) => r.status === 'sent').length,
    smsAccepted,
    duplicates,
    lost,
    outOfOrder,
    escalationsExpected: escalation ? 1 : 0,
    escalationsSent,
    escalationFired,
    slowestAnswerMs: Math.max(0, ...sent.map((m) => m.slowestRequestMs)),
    slowestReplyMs,
  };
}

/** The fault table in Markdown, as the README shows it. */
export function formatFaultTable(rows: FaultRow[]): string {
  const header = [
    'Fault',
    'Messages sent',
    '2xx',
    'Re-sent',
    'Stored',
    'Replies sent',
    'SMS at Twilio',
    'Duplicates',
    'Lost',
    'Out of order',
    'Escalations expected',
    'Escalations sent',
    'Escalation fired',
    'Slowest 2xx',
    'Slowest reply',
  ];
  const lines = rows.map((r) =>
    [
      r.fault,
      r.messages,
      r.answered,
      r.resent,
      r.stored,
      r.repliesSent,
      r.smsAccepted,
      r.duplicates,
      r.lost,
      r.outOfOrder,
      r.escalationsExpected,
      r.escalationsSent,
      r.escalationFired
        ? `${seconds(r.escalationFired.afterDeadlineMs)} after the deadline, ${seconds(r.escalationFired.afterFaultMs)} after the fault`
        : '-',
      `${r.slowestAnswerMs} ms`,
      seconds(r.slowestReplyMs).slice(1),
    ].join(' | '),
  );
  return [header.join(' | '), header.map(() => '---').join(' | '), ...lines].map((l) => `| ${l} |`).join('\n');
}

const seconds = (ms: number) => `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(1)} s`;
