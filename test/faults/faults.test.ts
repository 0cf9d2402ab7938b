import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultRig, TELEGRAM_TOKEN, TWILIO_AUTH_TOKEN } from './FaultRig.js';
import { faultScenarios, SHORT } from './faultScenarios.js';
import { postgresOutageAcrossDeadline } from './postgresOutageAcrossDeadline.js';
import { timersAfterRedisEmptied, webhooksWhileRedisAway } from './redisAway.js';
import { formatFaultTable, runFaultScenario, type FaultRow, type FaultScenario } from './runFaultScenario.js';
import { workerKilledMidSend } from './workerKilledMidSend.js';

// The fault suite, short form (npm run chaos runs the long one). Each test brings its own
// database, Redis, processes and fakes, and they run at the same time: most of their time is
// spent waiting out an outage, and run one after another they would add minutes to npm test.

const table: FaultRow[] = [];

/** Runs scenarios one after another on one rig and checks each row: nothing lost, nothing twice. */
async function tableRows(scenarios: FaultScenario[]): Promise<void> {
  const rig = new FaultRig();
  try {
    await rig.start();
    for (const scenario of scenarios) {
      const row = await runFaultScenario(rig, scenario);
      table.push(row);
      expect(row, row.fault).toMatchObject({
        answered: row.messages,
        stored: row.messages,
        repliesSent: row.messages,
        duplicates: 0,
        lost: 0,
        outOfOrder: 0,
        escalationsSent: row.escalationsExpected,
      });
    }
    // Through kills, restarts and outages, the processes' logs hold no secret and no whole number.
    const logs = rig.web.log() + rig.worker.log();
    expect(logs).not.toContain(TWILIO_AUTH_TOKEN);
    expect(logs).not.toContain(TELEGRAM_TOKEN);
    expect(logs.match(/62\d{10,}/g) ?? []).toEqual([]);
  } finally {
    await rig.stop();
  }
}

describe.concurrent('faults under the app, each on its own PostgreSQL database, Redis and processes', () => {
  afterAll(() => {
    if (table.length === 0) return;
    const text = formatFaultTable(table);
    mkdirSync('test-output', { recursive: true });
    writeFileSync('test-output/fault-table-short.md', `${text}\n`);
    console.log(`Fault table (short form):\n${text}`);
  });

  it(
    'PostgreSQL down 45 s across a deadline with replies pending: one escalation by email, SMS and bot within a minute, every reply once',
    () => postgresOutageAcrossDeadline(),
    300_000,
  );
  it(
    'kill -9 of the worker while Twilio holds a reply: nothing sent twice, nothing out of order, well within the claim window',
    () => workerKilledMidSend(),
    300_000,
  );
  it(
    'answers webhooks while Redis is killed or frozen; the replies go out once it is back',
    () => webhooksWhileRedisAway(),
    180_000,
  );
  it(
    'rebuilds the timers within a minute after Redis restarts empty or is flushed',
    () => timersAfterRedisEmptied(),
    180_000,
  );

  const scenarios = faultScenarios(SHORT);
  it(
    'fault table: kill -9 of web and worker, SIGTERM of both, mid-traffic',
    () => tableRows(scenarios.processes),
    400_000,
  );
  it(
    'fault table: Redis FLUSHALL and restart mid-traffic, across a deadline',
    () => tableRows(scenarios.redis),
    300_000,
  );
  it(
    'fault table: PostgreSQL restart and outage mid-traffic, across a deadline',
    () => tableRows(scenarios.postgres),
    300_000,
  );
});
