import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { FaultRig } from './FaultRig.js';
import { faultScenarios, LONG, SHORT } from './faultScenarios.js';
import { formatFaultTable, runFaultScenario, type FaultRow } from './runFaultScenario.js';

/**
 * `npm run chaos`: the fault table at full size (100 citizens writing 25 messages a second, a
 * 45 s PostgreSQL outage across a deadline), every fault in turn on one split deployment (a web
 * and a worker process of app/main.ts) on a fresh database and a Redis of its own. Prints the
 * table, keeps it in test-output/, and exits with 1 when anything was lost, sent twice or out
 * of order. `npm run chaos -- --quick` runs the CI's short form.
 */
async function main(): Promise<void> {
  const scale = process.argv.includes('--quick') ? SHORT : LONG;
  const scenarios = faultScenarios(scale);
  const rig = new FaultRig();
  const rows: FaultRow[] = [];
  const started = new Date();
  try {
    await rig.start();
    for (const scenario of [...scenarios.processes, ...scenarios.redis, ...scenarios.postgres]) {
      process.stderr.write(`chaos: ${scenario.fault} ...\n`);
      const row = await runFaultScenario(rig, scenario);
      rows.push(row);
      process.stderr.write(`chaos: ${JSON.stringify(row)}\n`);
    }
  } finally {
    await rig.stop();
  }
  const table = formatFaultTable(rows);
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; Node ${process.version}`;
  const scaleText = `${scale.citizens} citizens, ${scale.perSecond} messages/s, ${scale.trafficMs / 1000} s of traffic per fault`;
  mkdirSync('test-output', { recursive: true });
  writeFileSync('test-output/fault-table.md', `${table}\n\n${started.toISOString()}: ${scaleText}; ${machine}\n`);
  writeFileSync('test-output/fault-table.json', JSON.stringify({ started, scale, machine, rows }, null, 2));
  console.log(`${table}\n\n${started.toISOString()}: ${scaleText}; ${machine}`);
  const bad = rows.filter(
    (r) =>
      r.lost > 0 ||
      r.duplicates > 0 ||
      r.outOfOrder > 0 ||
      r.answered < r.messages ||
      r.escalationsSent < r.escalationsExpected,
  );
  if (bad.length > 0) {
    console.error(`chaos: ${bad.map((r) => r.fault).join(', ')} lost, doubled or reordered something`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
