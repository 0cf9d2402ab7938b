import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelSenders, SendResume } from '../channels/ChannelSender.js';
import type { ChannelName, Lang, Reply } from '../conversation/types.js';
import type { OutboxStatus, PrismaClient } from '../generated/prisma/client.js';
import type { Translator } from '../i18n/createTranslator.js';
import type { Logger } from '../log/createLogger.js';
import { quietUntil } from '../notify/quietHours.js';
import { storableText } from '../domain/storableText.js';
import { recordProviderOptOut } from '../channels/providerOptOut.js';
import { RecipientOptedOut } from '../channels/RecipientOptedOut.js';
import { prismaSession, statement, type SqlSession } from '../db/statements.js';

export interface OutboxRelayDeps {
  prisma: PrismaClient;
  /**
   * The pool's declared statements (the database's `statements`): a batch's load, claim and
   * settlement go as prepared statements. Unset: the same statements through Prisma.
   */
  statements?: SqlSession;
  senders: ChannelSenders;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /** Hand-overs to the provider before a row is marked failed (it stays visible to operators). */
  maxAttempts: number;
  /** Wait after the first refusal; it doubles with each further one. Default 2000 ms. */
  retryBaseMs?: number;
  /** No SMS notification between these local times unless it is urgent. */
  quietHours?: { start: string; end: string; timeZone: string } | undefined;
  /** This process, as its claims name it: random per start unless given. */
  instanceId?: string;
  /** How often a delivering process tells the database it is alive. Default 5 s. */
  heartbeatMs?: number;
  /** Told of each heartbeat the database took: a health check outside the process reads it. */
  onBeat?: () => void;
  /**
   * A claim of a process silent this long, while this process's database was up, is taken over
   * (the process was killed mid-send). Default 20 s.
   */
  ownerSilentMs?: number;
}

/** A claim older than this is taken over whatever its process says (a live but stuck send). */
const CLAIM_TTL_MS = 5 * 60_000;
/** Margin for the clocks of this process and the provider when asking what the provider has. */
const RESUME_MARGIN_MS = 60_000;

export type DeliveryOutcome =
  | 'sent'
  | 'failed'
  /** The provider refused; the row is tried again after `retryInMs`. */
  | 'retry'
  | 'skipped'
  | 'suppressed'
  /** An SMS notification in quiet hours: it waits until `at`. */
  | 'deferred'
  /**
   * An earlier message to the same address is not settled yet; this one waits its turn (or it was
   * free only a moment after this process tried to claim it): try again soon.
   */
  | 'blocked';

/** What one delivery attempt came to, for whatever wakes rows up (a queue, or this process). */
export interface DeliveryAttempt {
  outcome: DeliveryOutcome;
  /** Quiet hours: when the row may go (city time, by this process's clock). */
  at?: Date;
  /** After a refusal: how long to wait before the next attempt. */
  retryInMs?: number;
  /** The next pending row to the same address, now free to go (after sent, failed, suppressed). */
  next?: { id: string; channel: ChannelName };
}

/**
 * Whether the row `row` waits aside, neither sent now nor holding up the rows after it: a
 * non-urgent SMS notification in quiet hours (deferrableInQuietHours), or a status notice still
 * gathering changes (gathering). `quiet` and `now` name the statement's parameters of those.
 */
const waitsAside = (row: string, quiet: string, now: string) => `(
    (${quiet}::boolean AND ${row}.channel = 'sms' AND ${row}.kind = 'notification' AND NOT ${row}.urgent)
    OR (${row}.kind = 'notification' AND ${row}.attempts = 0 AND ${row}."nextAttemptAt" IS NOT NULL
      AND ${row}."nextAttemptAt" > ${now}::timestamptz))`;

/** Whether an earlier message to the same address than the row `o` is still unsettled (see waitsAside). */
const earlierUnsettled = (quiet: string, now: string) => `EXISTS (
    SELECT 1 FROM "OutboxMessage" e
    WHERE e.channel = o.channel AND e.address = o.address AND e.status = 'pending' AND e.seq < o.seq
      AND NOT ${waitsAside('e', quiet, now)})`;

// $1 ids, $2 claims older than this expired, $3 may take over a silent process's claims, $4 this
// process, $5 silent since, $6 quiet hours, $7 now, $8 the channels this process sends on. The
// final SELECT reads the rows as they were before the claim (a data-modifying CTE's change is
// not visible to its statement), as the row's earlier hand-over is judged by.
const LOAD_AND_CLAIM = statement(
  'outbox_load_and_claim',
  `WITH free AS (
     SELECT o.id FROM "OutboxMessage" AS o
     WHERE o.id = ANY($1::uuid[]) AND o.status = 'pending' AND o.channel::text = ANY($8::text[])
       AND NOT ${waitsAside('o', '$6', '$7')}
       AND (o."claimedAt" IS NULL OR o."claimedAt" < $2::timestamptz
         OR ($3::boolean AND o."claimedBy" IS DISTINCT FROM $4::uuid AND NOT EXISTS (
           SELECT 1 FROM "WorkerHeartbeat" h WHERE h.id = o."claimedBy" AND h."beatAt" >= $5::timestamptz)))
       AND NOT ${earlierUnsettled('$6', '$7')}
     FOR UPDATE OF o SKIP LOCKED
   ), claimed AS (
     UPDATE "OutboxMessage" AS o
     SET "claimedAt" = $7::timestamptz, "claimedBy" = $4::uuid, "handedAt" = COALESCE(o."handedAt", $7::timestamptz)
     FROM free WHERE o.id = free.id
     RETURNING o.id
   )
   SELECT o.id::text AS id, o.channel::text AS channel, o.address, o.language::text AS language,
     o.replies, o.kind, o.urgent, o.status::text AS status, o.attempts, o."nextAttemptAt",
     o."claimedAt", o."handedAt", o."lastError", o."providerMessageId", o."sentAt",
     o."fallbackOfId"::text AS "fallbackOfId",
     COALESCE(c."smsOptOut", false) AS "smsOptOut", (i."optedOutAt" IS NOT NULL) AS "optedOut",
     (k.id IS NOT NULL) AS claimed
   FROM "OutboxMessage" o
   LEFT JOIN "Citizen" c ON c.id = o."citizenId"
   LEFT JOIN "ChannelIdentity" i ON i.channel = o.channel AND i.address = o.address
   LEFT JOIN claimed k ON k.id = o.id
   WHERE o.id = ANY($1::uuid[])`,
);

const BLOCKED_ROWS = statement(
  'outbox_blocked_rows',
  `SELECT o.id::text AS id,
     o.status = 'pending' AND (o."claimedAt" IS NULL OR ${earlierUnsettled('$2', '$3')}) AS blocked
   FROM "OutboxMessage" AS o WHERE o.id = ANY($1::uuid[])`,
);

const SETTLE_ROWS = statement(
  'outbox_settle_rows',
  `WITH u AS (
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS u(id, status, attempts, error, next_attempt, sent, provider_id, new_provider_ids)
   ), settled AS (
     UPDATE "OutboxMessage" AS o
     SET status = u.status::"OutboxStatus", attempts = u.attempts, "lastError" = u.error,
         "nextAttemptAt" = u.next_attempt::timestamptz, "sentAt" = u.sent::timestamptz,
         "providerMessageId" = u.provider_id, "claimedAt" = NULL, "claimedBy" = NULL
     FROM u WHERE o.id = u.id
     RETURNING o.id, o.channel, o.address, o.seq
   ), provider AS (
     INSERT INTO "ProviderMessage" ("providerMessageId", "channel", "outboxMessageId")
     SELECT p.id, s.channel, s.id FROM settled s JOIN u ON u.id = s.id
       CROSS JOIN LATERAL unnest(string_to_array(u.new_provider_ids, ',')) AS p(id)
     WHERE p.id <> ''
     ON CONFLICT DO NOTHING
   )
   SELECT s.id::text AS id, (
     SELECT n.id FROM "OutboxMessage" n
     WHERE n.channel = s.channel AND n.address = s.address AND n.status = 'pending' AND n.seq > s.seq
     ORDER BY n.seq LIMIT 1
   )::text AS next
   FROM settled s`,
);

/** An outbox row as a delivery batch reads it, with what the citizen and the provider said about opting out. */
interface Row {
  id: string;
  channel: ChannelName;
  address: string;
  language: Lang;
  replies: unknown;
  kind: string;
  urgent: boolean;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  claimedAt: Date | null;
  handedAt: Date | null;
  lastError: string | null;
  providerMessageId: string | null;
  sentAt: Date | null;
  fallbackOfId: string | null;
  /** The citizen sent STOP by SMS. */
  smsOptOut: boolean;
  /** The provider said the person at this address takes nothing more here. */
  optedOut: boolean;
}

/** What becomes of a claimed row: written for the whole batch in one statement. */
interface Settlement {
  row: Row;
  status: OutboxStatus;
  attempts?: number;
  lastError?: string;
  nextAttemptAt?: Date;
  sentAt?: Date;
  providerMessageId?: string | null;
}

/** Rows claimed, sent and settled together: one statement each to load, claim and settle them. */
const MAX_BATCH = 50;
/** Batches one process has in flight at once (one claiming while another waits for providers). */
const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * Delivers outbox rows through the channel senders this process has. The row is the truth:
 * what is due, how often the provider refused (errors of our own database or Redis are thrown
 * and never count), who holds it while it is handed over, and the order in which the messages
 * to one address leave (never overtaking an earlier one that is not settled). A row whose
 * channel this process lacks is left pending for a process that has it; after `maxAttempts`
 * refusals it is marked failed, never dropped. An SMS to a number that sent STOP is suppressed,
 * except the confirmation of that STOP.
 *
 * Once the provider has answered, the answer is recorded whatever it takes: while the database
 * is away the relay keeps trying, so a message the provider accepted is never handed over again
 * by this process. A claim left by a process that died is taken over once that process has been
 * silent (see WorkerHeartbeat); the sender is then told the provider may already have it.
 */
export class OutboxRelay {
  readonly instanceId: string;
  private beating: NodeJS.Timeout | null = null;
  private firstBeat: Promise<void> | null = null;
  /** Since when this process has reached the database without a break (null: not now). */
  private databaseUpSince: number | null = null;
  private closing: { until: number } | null = null;
  /** Attempts waiting for a batch, and how many batches are in flight. */
  private readonly queued: Array<{
    id: string;
    resolve: (attempt: DeliveryAttempt) => void;
    reject: (error: unknown) => void;
  }> = [];
  private pumpScheduled = false;
  private inFlight = 0;
  private readonly statements: SqlSession;

  constructor(private readonly deps: OutboxRelayDeps) {
    this.instanceId = deps.instanceId ?? randomUUID();
    this.statements = deps.statements ?? prismaSession(deps.prisma);
  }

  /** Delivers the given rows now, in order; a failure is recorded and left for a later pass. */
  async deliver(ids: readonly string[]): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const id of ids) outcomes.push((await this.deliverBatch([id]))[0]!.outcome);
    return outcomes;
  }

  /**
   * One delivery attempt, for a queue worker. Attempts that arrive together (a worker running
   * several jobs at once) are made as one batch. Throws only when this process could not reach
   * its own database: such an error is never the message's fault and uses none of its attempts.
   */
  attempt(id: string): Promise<DeliveryAttempt> {
    return new Promise((resolve, reject) => {
      this.queued.push({ id, resolve, reject });
      if (this.pumpScheduled) return;
      this.pumpScheduled = true;
      // The attempts of this turn of the event loop go together.
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    });
  }

  /** Delivers every due row of the channels this process has, oldest first (after a restart, say). */
  async drainPending(limit = 100): Promise<number> {
    const rows = await this.dueIds(limit);
    for (let i = 0; i < rows.length; i += MAX_BATCH) {
      await this.deliverBatch(rows.slice(i, i + MAX_BATCH).map((r) => r.id));
    }
    return rows.length;
  }

  /**
   * Pending rows of this process's channels that are due by now (their wait after a refusal
   * over), oldest first: what the database says should be on its way, whatever a queue holds.
   */
  async dueIds(limit = 100, now = this.deps.clock()): Promise<Array<{ id: string; channel: ChannelName }>> {
    const channels = Object.keys(this.deps.senders) as ChannelName[];
    if (channels.length === 0) return [];
    return this.deps.prisma.outboxMessage.findMany({
      where: {
        status: 'pending',
        channel: { in: channels },
        OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
      },
      orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }],
      take: limit,
      select: { id: true, channel: true },
    });
  }

  /**
   * Starts telling the database this process is alive, before any claim: the time a process must
   * itself have reached the database before it takes over a silent process's claims runs from here.
   */
  async startHeartbeat(): Promise<void> {
    await this.heartbeat();
  }

  /**
   * Shutting down: answers of providers not yet recorded (the database is away) are tried for
   * `graceMs` more, then given up, so a stop is not held for ever. A row given up stays claimed,
   * and is settled by whichever process takes it over.
   */
  windDown(graceMs = 10_000): void {
    this.closing = { until: Date.now() + graceMs };
  }

  /** Stops the heartbeat once nothing of this process is in flight any more (after the workers). */
  async close(): Promise<void> {
    this.closing ??= { until: Date.now() };
    if (this.beating) clearInterval(this.beating);
    this.beating = null;
    if (this.firstBeat) {
      // A clean stop: nothing of ours is in flight, so nobody need wait for this process's silence.
      await Promise.race([
        this.deps.prisma.workerHeartbeat.deleteMany({ where: { id: this.instanceId } }).catch(() => undefined),
        sleep(2000),
      ]);
    }
  }

  /** Starts the queued attempts in batches, as many batches at once as allowed. */
  private pump(): void {
    while (this.inFlight < MAX_BATCHES_IN_FLIGHT && this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_BATCH);
      this.inFlight += 1;
      this.deliverBatch(batch.map((b) => b.id))
        .then(
          (attempts) => batch.forEach((b, i) => b.resolve(attempts[i]!)),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }

  /**
   * One delivery attempt for each of `ids` (answered in the same order): the rows loaded and
   * claimed in one statement, sent at once, and settled in one.
   */
  private async deliverBatch(ids: readonly string[]): Promise<DeliveryAttempt[]> {
    const attempts = new Map<string, DeliveryAttempt>();
    const unique = [...new Set(ids)];
    const now = this.deps.clock();
    const quietEnd = this.quietEnd(now);
    await this.heartbeat();
    const loaded = await this.loadAndClaim(unique, now, quietEnd !== null);
    const rows = new Map(loaded.map((row) => [row.id, row]));
    const claimed = new Set(loaded.filter((row) => row.claimed).map((row) => row.id));
    const candidates: Row[] = [];
    for (const id of unique) {
      const row = rows.get(id);
      if (!row || row.status !== 'pending' || !this.deps.senders[row.channel]) {
        attempts.set(id, { outcome: 'skipped' });
      } else if (quietEnd && deferrableInQuietHours(row)) {
        attempts.set(id, { outcome: 'deferred', at: quietEnd });
      } else if (gathering(row, now)) {
        // A status notice waiting for further changes to go with it (see writeStatusNotice).
        attempts.set(id, { outcome: 'deferred', at: row.nextAttemptAt! });
      } else {
        candidates.push(row);
      }
    }

    if (candidates.length > 0) {
      const unclaimed = candidates.filter((row) => !claimed.has(row.id));
      for (const [id, blocked] of await this.waitsBehindEarlier(unclaimed, now, quietEnd !== null)) {
        attempts.set(id, { outcome: blocked ? 'blocked' : 'skipped' });
      }
      await this.sendClaimed(
        candidates.filter((row) => claimed.has(row.id)),
        attempts,
      );
      // A row of this batch that waited behind another row of it, settled now, goes at once (and
      // so on down the line of one address): the one settled no longer names it as next.
      const freeing = (settled: Iterable<string>) =>
        [...settled].filter((id) => {
          const next = attempts.get(id)?.next;
          return next !== undefined && attempts.get(next.id)?.outcome === 'blocked';
        });
      for (let freed = freeing(claimed); freed.length > 0;) {
        const nextIds = freed.map((id) => attempts.get(id)!.next!.id);
        const again = await this.deliverBatch(nextIds);
        freed.forEach((id, i) => {
          delete attempts.get(id)!.next;
          attempts.set(nextIds[i]!, again[i]!);
        });
        freed = freeing(nextIds);
      }
    }
    // A repeated id was attempted once; its repeats find the row no longer theirs to send.
    const seen = new Set<string>();
    return ids.map((id) => {
      if (seen.has(id)) return { outcome: 'skipped' };
      seen.add(id);
      return attempts.get(id) ?? { outcome: 'skipped' };
    });
  }

  /**
   * Sends the claimed rows at once and settles them together; each one's attempt names the next
   * pending row to its address (after sent, failed, suppressed).
   */
  private async sendClaimed(rows: Row[], attempts: Map<string, DeliveryAttempt>): Promise<void> {
    if (rows.length === 0) return;
    const { logger } = this.deps;
    const optedOut: Array<{ row: Row; error: RecipientOptedOut }> = [];
    const settlements = await Promise.all(
      rows.map(async (row): Promise<Settlement> => {
        // STOP by SMS, or the provider said this person takes nothing more here (a blocked bot, an
        // unsubscribed number); the confirmation of a STOP still goes.
        if (row.kind !== 'optOutConfirmation' && ((row.channel === 'sms' && row.smsOptOut) || row.optedOut)) {
          attempts.set(row.id, { outcome: 'suppressed' });
          return { row, status: 'suppressed' };
        }
        try {
          const { providerMessageId } = await this.send(row);
          attempts.set(row.id, { outcome: 'sent' });
          return {
            row,
            status: 'sent',
            attempts: row.attempts + 1,
            sentAt: this.deps.clock(),
            providerMessageId: providerMessageId ?? null,
          };
        } catch (error) {
          if (error instanceof RecipientOptedOut) {
            // No retry can pass: the row fails with the provider's reason, and the opt-out is
            // recorded on the identity, so nothing more is tried there until the citizen writes again.
            optedOut.push({ row, error });
            attempts.set(row.id, { outcome: 'failed' });
            return { row, status: 'failed', attempts: row.attempts + 1, lastError: storableText(error.message, 500) };
          }
          // The provider refused or could not be reached: that counts as an attempt.
          const count = row.attempts + 1;
          const failed = count >= this.deps.maxAttempts;
          const retryInMs = this.retryDelay(count, error);
          logger.warn(
            { outboxId: row.id, channel: row.channel, address: row.address, attempts: count, failed },
            'outbound send failed',
          );
          attempts.set(row.id, failed ? { outcome: 'failed' } : { outcome: 'retry', retryInMs });
          return {
            row,
            status: failed ? 'failed' : 'pending',
            attempts: count,
            lastError: storableText(String((error as Error).message ?? error), 500),
            nextAttemptAt: new Date(this.deps.clock().getTime() + retryInMs),
          };
        }
      }),
    );
    const nexts = await this.settle(settlements);
    for (const { row, error } of optedOut) {
      await this.persistently(row.id, () =>
        recordProviderOptOut(this.deps.prisma, this.deps.logger, {
          channel: row.channel,
          address: row.address,
          reason: error.reason,
          at: this.deps.clock(),
        }),
      );
    }
    for (const { row, status } of settlements) {
      const next = status === 'pending' ? undefined : nexts.get(row.id);
      if (next) attempts.get(row.id)!.next = { id: next, channel: row.channel };
    }
  }

  /** Hands one claimed row to its channel's sender, rendered in the row's language. */
  private async send(row: Row): Promise<{ providerMessageId?: string | undefined }> {
    const replies = (row.replies as Reply[]).map((r) => this.deps.translator.render(row.language, r));
    // Handed over before and never settled as sent: the provider may have it, or its first texts.
    const resume = row.handedAt && (row.claimedAt || row.attempts > 0) ? await this.resumeOf(row) : undefined;
    return this.deps.senders[row.channel]!.send({
      id: row.id,
      channel: row.channel,
      address: row.address,
      lang: row.language,
      replies,
      urgent: row.urgent,
      ...(resume ? { resume } : {}),
      ...(row.fallbackOfId ? { fallback: true } : {}),
    });
  }

  /**
   * The rows (as they were before this statement), with the citizen's STOP and the provider's
   * opt-out of their address, and claimed for this process, in one statement. A row is claimed
   * when it is to go now (pending, its channel served here, neither deferred for quiet hours nor
   * gathering), is not held by a live process (a claim may be taken over when it expired, or
   * when its process has been silent while this one reached the database), and no earlier
   * message to the same address is still unsettled. Rows another process is claiming at this
   * moment are skipped, not waited for.
   */
  private loadAndClaim(ids: readonly string[], now: Date, quiet: boolean): Promise<Array<Row & { claimed: boolean }>> {
    const ownerSilentMs = this.deps.ownerSilentMs ?? 20_000;
    const mayTakeOver = this.databaseUpSince !== null && now.getTime() - this.databaseUpSince >= ownerSilentMs;
    const served = Object.keys(this.deps.senders).filter((channel) => this.deps.senders[channel as ChannelName]);
    return this.statements.query<Row & { claimed: boolean }>(LOAD_AND_CLAIM, [
      ids,
      new Date(now.getTime() - CLAIM_TTL_MS),
      mayTakeOver,
      this.instanceId,
      new Date(now.getTime() - ownerSilentMs),
      quiet,
      now,
      served,
    ]);
  }

  /**
   * For rows not claimed: whether each should be tried again soon, because an earlier message to
   * its address is still unsettled (the claim's last rule) or because it is still pending and
   * nobody holds it (it was free by the time of this read: the earlier message was settled
   * meanwhile, or another process's claim of it just failed). A row held or settled by someone
   * else is not.
   */
  private async waitsBehindEarlier(rows: Row[], now: Date, quiet: boolean): Promise<Map<string, boolean>> {
    if (rows.length === 0) return new Map();
    const ids = rows.map((row) => row.id);
    const found = await this.statements.query<{ id: string; blocked: boolean }>(BLOCKED_ROWS, [ids, quiet, now]);
    const blocked = new Map(found.map((f) => [f.id, f.blocked === true]));
    return new Map(ids.map((id) => [id, blocked.get(id) ?? false]));
  }

  /** What a sender needs to ask its provider about an earlier hand-over of this row. */
  private async resumeOf(row: Row): Promise<SendResume> {
    const since = new Date(row.handedAt!.getTime() - RESUME_MARGIN_MS);
    const others = await this.deps.prisma.outboxMessage.findMany({
      where: {
        channel: row.channel,
        address: row.address,
        id: { not: row.id },
        providerMessageId: { not: null },
        OR: [{ sentAt: { gte: since } }, { status: 'pending' }],
      },
      select: { providerMessageId: true },
    });
    return { since, otherProviderIds: others.flatMap((o) => (o.providerMessageId ?? '').split(',').filter(Boolean)) };
  }

  /**
   * Records what became of the claimed rows and releases their claims, in one statement;
   * returns for each row the next pending row to the same address, which may go now. Kept trying
   * while the database is away: the providers have answered, and only the record of it is missing.
   */
  private async settle(settlements: Settlement[]): Promise<Map<string, string>> {
    if (settlements.length === 0) return new Map();
    const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
    const ids = settlements.map((s) => s.row.id);
    const statuses = settlements.map((s) => s.status);
    const attempts = settlements.map((s) => s.attempts ?? s.row.attempts);
    const errors = settlements.map((s) => s.lastError ?? s.row.lastError);
    const nextAttempts = settlements.map((s) => iso(s.nextAttemptAt ?? s.row.nextAttemptAt));
    const sentAts = settlements.map((s) => iso(s.sentAt ?? s.row.sentAt));
    const providerIds = settlements.map((s) =>
      s.providerMessageId === undefined ? s.row.providerMessageId : s.providerMessageId,
    );
    // The provider ids this settlement adds (comma-joined): each gets its own ProviderMessage row,
    // in the same statement, which is what delivery reports look up.
    const newProviderIds = settlements.map((s) => s.providerMessageId ?? null);
    const settled = await this.persistently(ids.join(','), () =>
      this.statements.query<{ id: string; next: string | null }>(SETTLE_ROWS, [
        ids,
        statuses,
        attempts,
        errors,
        nextAttempts,
        sentAts,
        providerIds,
        newProviderIds,
      ]),
    );
    return new Map(settled.filter((s) => s.next).map((s) => [s.id, s.next!]));
  }

  private async persistently<T>(outboxId: string, write: () => Promise<T>): Promise<T> {
    for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
      try {
        return await write();
      } catch (error) {
        if (this.closing && Date.now() > this.closing.until) throw error;
        this.databaseUpSince = null;
        this.deps.logger.warn(
          { outboxId, reason: (error as Error).message },
          'outbox: the provider answered but the database is away; recording it again shortly',
        );
        await sleep(wait);
      }
    }
  }

  /**
   * Tells the database this process is alive: once before its first claim, then every few
   * seconds. Also tracks since when the database has been reachable without a break.
   */
  private async heartbeat(): Promise<void> {
    if (!this.firstBeat) {
      this.firstBeat = this.beat(true).catch((error: unknown) => {
        this.firstBeat = null;
        throw error;
      });
      await this.firstBeat;
      this.beating = setInterval(() => void this.beat(false).catch(() => undefined), this.deps.heartbeatMs ?? 5000);
      this.beating.unref();
      return;
    }
    await this.firstBeat;
  }

  private async beat(first: boolean): Promise<void> {
    const { prisma } = this.deps;
    const now = this.deps.clock();
    try {
      await prisma.workerHeartbeat.upsert({
        where: { id: this.instanceId },
        create: { id: this.instanceId, startedAt: now, beatAt: now },
        update: { beatAt: now },
      });
      // Processes long gone leave their last beat behind.
      if (first)
        await prisma.workerHeartbeat.deleteMany({ where: { beatAt: { lt: new Date(now.getTime() - 86_400_000) } } });
    } catch (error) {
      this.databaseUpSince = null;
      throw error;
    }
    this.databaseUpSince ??= now.getTime();
    this.deps.onBeat?.();
  }

  private quietEnd(now: Date): Date | null {
    const quiet = this.deps.quietHours;
    return quiet ? quietUntil(now, quiet, quiet.timeZone) : null;
  }

  private retryDelay(attempts: number, error: unknown): number {
    const backoff = (this.deps.retryBaseMs ?? 2000) * 2 ** (attempts - 1);
    const asked = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return Math.max(backoff, typeof asked === 'number' ? asked : 0);
  }
}

/**
 * Whether an earlier message to the address of row `o` is still unsettled, so `o` waits its turn:
 * any pending one written before it, except a non-urgent SMS notification held for the morning in
 * quiet hours and a status notice still gathering changes (`gathering`, in SQL), which are no
 * reply to what follows them. A notification with no wait set is due and does hold the rest up.
 */
/**
 * A notification that has not been tried and is not due yet: a status notice gathering the
 * changes that follow it. It never holds up the messages after it (it is no reply to them).
 */
function gathering(row: Pick<Row, 'kind' | 'attempts' | 'nextAttemptAt'>, now: Date): boolean {
  return row.kind === 'notification' && row.attempts === 0 && row.nextAttemptAt !== null && row.nextAttemptAt > now;
}

/** Non-urgent SMS notifications wait for the morning in quiet hours; replies never do. */
function deferrableInQuietHours(row: { channel: ChannelName; kind: string; urgent: boolean }): boolean {
  return row.channel === 'sms' && row.kind === 'notification' && !row.urgent;
}
