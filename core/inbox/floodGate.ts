import type { InboundEvent } from '../conversation/types.js';
import { statement, type SqlSession } from '../db/statements.js';
import { DuplicateInbound } from './inboundTransaction.js';
import type { Prisma } from '../generated/prisma/client.js';

/** The window a sender's flood limit counts over. */
export const FLOOD_WINDOW_MS = 60_000;

/**
 * What to do with one message of a sender on a throttled channel (SMS), decided under their
 * conversation lock: answer it now; hold it because earlier ones are waiting (answers keep the
 * order messages came in); or hold it as the first past the limit, and say so once.
 */
export type FloodDecision = 'answer' | 'hold' | 'holdAndTell';

const RECORD_AND_COUNT = statement(
  'inbox_record_and_count_inbound',
  `WITH recorded AS (
     INSERT INTO "ProcessedInbound" ("channel", "externalId", "receivedAt", "citizenId")
     VALUES ($1::"Channel", $2, $3, $4::uuid)
     ON CONFLICT ("channel", "externalId") DO NOTHING
     RETURNING 1
   )
   SELECT (SELECT count(*)::int FROM recorded) AS recorded,
     (SELECT count(*)::int FROM "ProcessedInbound"
       WHERE "citizenId" = $4::uuid AND "receivedAt" > $5 AND "heldAt" IS NULL) AS answered,
     (SELECT count(*)::int FROM "ProcessedInbound"
       WHERE "heldAt" IS NOT NULL AND "citizenId" = $4::uuid) AS held`,
);

/**
 * Records the inbound id (throws DuplicateInbound when it was seen already) and decides, in one
 * statement, from the sender's messages answered in the last minute and the ones held. Call it
 * under the sender's conversation lock: the statement then sees every earlier message of theirs
 * (its own row it cannot see, and counts it by hand).
 */
export async function recordAndDecide(
  sql: SqlSession,
  event: InboundEvent,
  now: Date,
  citizenId: string,
  perMinute: number,
): Promise<FloodDecision> {
  const since = new Date(now.getTime() - FLOOD_WINDOW_MS);
  const [row] = await sql.query<{ recorded: number; answered: number; held: number }>(RECORD_AND_COUNT, [
    event.channel,
    event.externalId,
    now,
    citizenId,
    since,
  ]);
  if (!row?.recorded) throw new DuplicateInbound();
  if (row.held > 0) return 'hold';
  return row.answered + 1 > perMinute ? 'holdAndTell' : 'answer';
}

// Two counts, each on its index: the sender's last minute (citizenId, receivedAt), and the
// messages held anywhere (heldAt, few), not a pass over the sender's whole history.
const COUNT_INBOUND = statement(
  'inbox_count_inbound',
  `SELECT
     (SELECT count(*)::int FROM "ProcessedInbound"
       WHERE "citizenId" = $1::uuid AND "receivedAt" > $2 AND "heldAt" IS NULL) AS answered,
     (SELECT count(*)::int FROM "ProcessedInbound"
       WHERE "heldAt" IS NOT NULL AND "citizenId" = $1::uuid) AS held`,
);

async function countInbound(sql: SqlSession, citizenId: string, now: Date) {
  const since = new Date(now.getTime() - FLOOD_WINDOW_MS);
  const [row] = await sql.query<{ answered: number; held: number }>(COUNT_INBOUND, [citizenId, since]);
  return { answered: row?.answered ?? 0, held: row?.held ?? 0 };
}

/** Keeps a message on its dedupe row until the sender's minute allows an answer. */
export async function holdInbound(tx: Prisma.TransactionClient, event: InboundEvent, now: Date): Promise<void> {
  await tx.processedInbound.update({
    where: { channel_externalId: { channel: event.channel, externalId: event.externalId } },
    data: { heldAt: now, heldEvent: JSON.parse(JSON.stringify(event)) as Prisma.InputJsonValue },
  });
}

/** Senders with messages waiting, oldest waiting first. */
export async function sendersWithHeldInbound(prisma: Prisma.TransactionClient, limit: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ citizenId: string }>>`
    SELECT "citizenId"::text AS "citizenId" FROM "ProcessedInbound"
    WHERE "heldAt" IS NOT NULL AND "citizenId" IS NOT NULL
    GROUP BY "citizenId" ORDER BY min("heldAt") LIMIT ${limit}`;
  return rows.map((r) => r.citizenId);
}

/**
 * Takes the sender's oldest held message when their minute allows one more answer (call it
 * under their conversation lock): it counts as received now. Null when nothing waits or the
 * minute is full.
 */
export async function takeHeldInbound(
  tx: Prisma.TransactionClient,
  sql: SqlSession,
  citizenId: string,
  now: Date,
  perMinute: number,
): Promise<InboundEvent | null> {
  const { answered } = await countInbound(sql, citizenId, now);
  if (answered >= perMinute) return null;
  const [row] = await tx.$queryRaw<Array<{ event: unknown }>>`
    UPDATE "ProcessedInbound" AS p SET "heldAt" = NULL, "heldEvent" = NULL, "receivedAt" = ${now}
    FROM (SELECT "channel", "externalId", "heldEvent" FROM "ProcessedInbound"
          WHERE "citizenId" = ${citizenId}::uuid AND "heldAt" IS NOT NULL
          ORDER BY "seq" LIMIT 1) AS oldest
    WHERE p."channel" = oldest."channel" AND p."externalId" = oldest."externalId"
    RETURNING oldest."heldEvent" AS event`;
  if (!row) return null;
  const event = row.event as InboundEvent & { receivedAt: string };
  return { ...event, receivedAt: new Date(event.receivedAt) };
}
