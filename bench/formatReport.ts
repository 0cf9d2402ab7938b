import type { BenchReport } from './BenchReport.js';
import { median } from './stats.js';

const n = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : '**missed**');

/** The report as a Markdown table (for the terminal and the README), one row per figure. */
export function formatReport(report: BenchReport): string {
  const { inbound, timers, memory, import: pbb, scaleOut } = report;
  const target = (name: string) => report.targets.find((t) => t.name === name);
  const rows: string[][] = [];
  if (inbound) {
    const t1 = target('inbound msg/s');
    const t2 = target('inbound vs bare BullMQ add');
    const sent = (rounds: Array<{ repliesSentPerSecond?: number }>) =>
      median(rounds.map((r) => r.repliesSentPerSecond).filter((v): v is number => v !== undefined));
    rows.push([
      `Inbound SMS, saturation (${inbound.clients} clients, closed loop), one process`,
      `${n(inbound.msgsPerSec)} msg/s`,
      [
        `HTTP floor ${n(inbound.floorHttpPerSec)}/s (ratio ${n(inbound.ratioToHttpFloor, 3)})`,
        `bare BullMQ add ${n(inbound.floorBullmqAddPerSec)}/s (ratio ${n(inbound.ratioToBullmqFloor, 3)})`,
        ...(inbound.floorPgTxPerSec
          ? [`PostgreSQL insert+commit ${n(inbound.floorPgTxPerSec)} tx/s (ratio ${n(inbound.ratioToPgFloor, 3)})`]
          : []),
        `replies delivered meanwhile ${n(sent(inbound.rounds.app))}/s`,
      ].join('; '),
      [
        `≥ 1,000 msg/s: ${mark(t1?.met)}`,
        `≥ 1/3 of BullMQ: ${mark(t2?.met)}`,
        ...(inbound.floorPgTxPerSec
          ? [`≥ 0.15 of PostgreSQL: ${mark(target('inbound vs PostgreSQL insert+commit floor')?.met)}`]
          : []),
      ].join('; '),
    ]);
    rows.push([
      `Inbound latency at ${inbound.offeredPerSec} msg/s offered (open loop)`,
      `p50 ${n(inbound.p50Ms, 1)} / p95 ${n(inbound.p95Ms, 1)} / p99 ${n(inbound.p99Ms, 1)} ms`,
      `achieved ${n(inbound.achievedPerSec)} msg/s; max ${n(inbound.maxMs)} ms`,
      `p99 < 50 ms: ${mark(target('inbound p99 at 200 msg/s')?.met)}`,
    ]);
    const half = inbound.atHalfSaturation;
    rows.push([
      `Inbound latency at ${n(half.offeredPerSec)} msg/s offered (half of saturation)`,
      `p50 ${n(half.p50Ms, 1)} / p95 ${n(half.p95Ms, 1)} / p99 ${n(half.p99Ms, 1)} ms`,
      `achieved ${n(half.achievedPerSec)} msg/s`,
      '',
    ]);
    const rounds = inbound.rounds.app;
    const mid = (pick: (r: (typeof rounds)[number]) => number | undefined) =>
      median(rounds.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v)));
    const appCpu = n(
      mid((r) => r.cpuMsPerMessage.app),
      1,
    );
    const pgCpu = n(
      mid((r) => r.cpuMsPerMessage.postgres),
      1,
    );
    const sql = n(
      mid((r) => r.sqlPerMessage),
      1,
    );
    const redis = n(
      mid((r) => r.redisPerMessage),
      1,
    );
    const neighbours = n(
      mid((r) => r.cpuMsPerMessage.otherProcesses),
      1,
    );
    const otherPg = n(
      mid((r) => r.cpuMsPerMessage.otherPostgres),
      1,
    );
    const firstContacts = rounds.reduce((sum, r) => sum + (r.firstContacts ?? 0), 0);
    rows.push([
      'Inbound cost per message (one process, median of rounds; returning citizens only)',
      `app ${appCpu} ms CPU, this run's PostgreSQL ${pgCpu} ms (other databases' ${otherPg} ms)`,
      `${sql} SQL statements, ${redis} Redis commands; neighbours' CPU ${neighbours} ms/msg; first contacts in the windows: ${firstContacts}`,
      '',
    ]);
    if (inbound.deliveryScaling) {
      const d = inbound.deliveryScaling;
      rows.push([
        `Delivery alone, ${n(d.rows)} replies a round, provider ${d.providerLatencyMs} ms per message`,
        `one worker process ${n(d.oneWorkerPerSec)} replies/s; two ${n(d.twoWorkersPerSec)} replies/s`,
        `× ${n(d.speedup, 2)}; sent twice: ${d.duplicates}`,
        `two ≥ 1.7 × one, none twice: ${mark(target('two worker processes vs one')?.met)}`,
      ]);
    }
    if (inbound.perKind) {
      rows.push([
        'SQL statements (of them the delivery) / Redis commands per message by kind (one at a time, its reply delivered)',
        Object.entries(inbound.perKind)
          .map(
            ([kind, k]) =>
              `${kind} ${n(k.sqlPerMessage, 1)} (${n(k.deliverySqlPerMessage ?? 0, 1)}) / ${n(k.redisPerMessage, 1)}`,
          )
          .join('; '),
        `messages counted: ${Object.entries(inbound.perKind)
          .map(([kind, k]) => `${kind} ${k.messages}`)
          .join(', ')}`,
        `≤ 8 statements for every kind: ${mark(target('SQL statements per message, every kind')?.met)}`,
      ]);
    }
  }
  if (timers) {
    for (const pass of timers.byHz) {
      rows.push([
        `SLA timer lateness, ${n(pass.pending)} pending, Redis hz ${pass.hz}${pass.hz === timers.hz ? ' (this server)' : ''}`,
        `p50 ${n(pass.p50LateMs)} / p99 ${n(pass.p99LateMs)} / max ${n(pass.maxLateMs)} ms`,
        `${n(pass.fired)} timers fired`,
        pass.hz === timers.hz ? `p99 < 100 ms: ${mark(target('timer p99 lateness')?.met)}` : '',
      ]);
    }
  }
  if (memory) {
    rows.push([
      `RSS, ${n(memory.openCases)} open cases + ${n(memory.conversations)} conversations`,
      `${n(memory.rssMb)} MB`,
      [
        `after boot ${n(memory.rssAfterBootMb)} MB`,
        ...(memory.rssAfterReconcileMb === undefined
          ? []
          : [`after the first SLA reconcile ${n(memory.rssAfterReconcileMb)} MB`]),
        ...(memory.rssUnderLoadMb === undefined ? [] : [`under load ${n(memory.rssUnderLoadMb)} MB`]),
        `peak ${n(memory.rssPeakMb)} MB`,
        `after a full GC ${n(memory.rssAfterGcMb)} MB with ${n(memory.heapUsedAfterGcMb)} MB of heap in use`,
        `first SLA reconcile ${n(memory.slaReconcile.jobs)} jobs in ${n(memory.slaReconcile.seconds)} s`,
        ...(memory.appCpuSeconds === undefined ? [] : [`app CPU ${n(memory.appCpuSeconds)} s`]),
        ...(memory.appCpuMsPerMessage === undefined ? [] : [`${n(memory.appCpuMsPerMessage)} ms CPU per message`]),
        ...(memory.redisUsedMb === undefined ? [] : [`Redis ${n(memory.redisUsedMb)} MB`]),
        ...(memory.databaseMb === undefined ? [] : [`database ${n(memory.databaseMb)} MB`]),
        ...(memory.command ? [memory.command] : []),
      ].join('; '),
      `< 250 MB: ${mark(target('RSS')?.met)}`,
    ]);
  }
  if (pbb) {
    rows.push([
      `PBB import, ${n(pbb.rows)} rows`,
      `${n(pbb.rowsPerSec)} rows/s`,
      `${n(pbb.seconds, 1)} s for ${n(pbb.fileMb)} MB`,
      `≥ 20,000 rows/s: ${mark(target('PBB import rows/s')?.met)}`,
    ]);
    rows.push([
      `NOP lookup (findTaxObject), ${n(pbb.lookups)} random NOPs`,
      `p50 ${n(pbb.lookupP50Ms, 2)} / p99 ${n(pbb.lookupP99Ms, 2)} ms`,
      `max ${n(pbb.lookupMaxMs, 1)} ms`,
      '',
    ]);
  }
  if (scaleOut) {
    const sent = (rounds: Array<{ repliesSentPerSecond?: number }>) =>
      median(rounds.map((r) => r.repliesSentPerSecond).filter((v): v is number => v !== undefined));
    if (scaleOut.oneWebOneWorker) {
      rows.push([
        'Roles split: 1 web process + 1 worker process',
        `${n(scaleOut.oneWebOneWorker.msgsPerSec)} msg/s`,
        `replies delivered meanwhile ${n(sent(scaleOut.oneWebOneWorker.rounds))}/s`,
        '',
      ]);
    }
    rows.push([
      'Scale-out: 2 web processes (round-robin) + 1 worker process',
      `${n(scaleOut.msgsPerSec)} msg/s`,
      `× ${n(scaleOut.vsSingleProcess, 2)} of one process; replies delivered meanwhile ${n(sent(scaleOut.rounds))}/s`,
      '',
    ]);
  }
  for (const [section, error] of Object.entries(report.errors)) rows.push([section, 'failed', error, '']);
  const header = ['Figure', 'Value', 'Beside it', 'Target'];
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  const m = report.machine;
  lines.push(
    '',
    `${report.mode} run of ${report.startedAt}: ${m.cpuModel} × ${m.cores} cores, ${n(m.memoryGb)} GB, load average ${m.loadAverage.join(' ')} at start; Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}.`,
  );
  return lines.join('\n');
}
