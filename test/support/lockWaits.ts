import type { PrismaClient } from '../../core/generated/prisma/client.js';
import { eventually } from './startApp.js';

/** Resolves once some session of this database waits for a lock (seen in pg_stat_activity, no timed sleep). */
export async function untilSomeoneWaitsForALock(prisma: PrismaClient): Promise<void> {
  await eventually(async () => {
    const [row] = await prisma.$queryRaw<Array<{ waiting: number }>>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return (row?.waiting ?? 0) > 0;
  });
}
