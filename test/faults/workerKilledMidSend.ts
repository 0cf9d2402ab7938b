import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { eventually } from '../support/startApp.js';
import { FaultRig } from './FaultRig.js';

// kill -9 of the worker while Twilio holds a reply: Twilio has accepted the message, the worker
// dies before it hears so, and the citizen writes again meanwhile. The app runs split (a web
// and a worker process of app/main.ts) on its own Redis, against a fake of Twilio's API.

/**
 * kill -9 of the worker mid-send: no reply is sent twice and none out of order, well within the
 * claim window; the reply in doubt is recorded as sent (Twilio had it).
 */
export async function workerKilledMidSend(): Promise<void> {
  const rig = new FaultRig();
  try {
    await rig.start();
    const citizen = '6281300077001';
    const { prisma } = rig.db;
    const rowsOf = () =>
      prisma.outboxMessage.findMany({
        where: { address: citizen },
        orderBy: { createdAt: 'asc' },
        select: { id: true, status: true, createdAt: true, providerMessageId: true },
      });

    rig.twilio.hold = true;
    expect((await rig.sendSms(citizen, 'menu')).status).toBe(200);
    // The first reply is in Twilio's hands, unanswered, when the worker dies.
    await eventually(() => rig.callsTo(citizen).length > 0, 60_000);
    await rig.worker.kill('SIGKILL');
    rig.twilio.release();
    const [first] = await rowsOf();
    expect(first!.status).toBe('pending');

    // The citizen writes again while no worker runs; then a new worker starts.
    expect((await rig.sendSms(citizen, 'bantuan')).status).toBe(200);
    await rig.worker.start();

    // Everything settles well within the 5-minute claim window: every row sent, none pending.
    const settled = await eventually(async () => {
      const rows = await rowsOf();
      return rows.length >= 2 && rows.every((r) => r.status !== 'pending') ? rows : null;
    }, 120_000);
    await sleep(2000);
    expect(settled.map((r) => r.status)).toEqual(settled.map(() => 'sent'));

    // Each SMS Twilio accepted belongs to exactly one row (its recorded id), and none is there twice.
    const calls = rig.callsTo(citizen);
    const rowOfSid = new Map<string, number>();
    settled.forEach((r, i) => {
      for (const sid of (r.providerMessageId ?? '').split(',').filter(Boolean)) rowOfSid.set(sid, i);
    });
    const rowOrder = calls.map((c) => rowOfSid.get(c.sid));
    expect(rowOrder).not.toContain(undefined);
    expect(new Set(calls.map((c) => c.sid)).size).toBe(calls.length);
    expect(calls.length).toBe(rowOfSid.size);
    // In the order they were written: the reply in doubt before the next one.
    expect(rowOrder).toEqual([...rowOrder].sort((a, b) => a! - b!));
  } finally {
    await rig.stop();
  }
}
