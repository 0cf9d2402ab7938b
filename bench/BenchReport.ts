import type { InboundFigures, ScaleOutFigures } from './measureInbound.js';
import type { ImportFigures } from './measurePbbImport.js';
import type { MemoryFigures } from './measureMemory.js';
import type { TimerFigures } from './measureSlaTimers.js';

/** One target of the issue, and whether this run met it. */
export interface TargetCheck {
  name: string;
  target: string;
  value: number;
  met: boolean;
}

/** Everything one run measured: written as JSON to bench/results/. */
export interface BenchReport {
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: {
    cpuModel: string;
    cores: number;
    memoryGb: number;
    loadAverage: number[];
    node: string;
    postgres: string;
    redis: string;
  };
  inbound?: InboundFigures;
  timers?: TimerFigures;
  memory?: MemoryFigures;
  import?: ImportFigures;
  scaleOut?: ScaleOutFigures;
  targets: TargetCheck[];
  /** Sections that failed, with why. */
  errors: Record<string, string>;
}

/** Checks the targets against the figures present. */
export function checkTargets(report: Omit<BenchReport, 'targets' | 'finishedAt'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { inbound, timers, memory } = report;
  if (inbound) {
    checks.push({
      name: 'inbound msg/s',
      target: '>= 1000',
      value: inbound.msgsPerSec,
      met: inbound.msgsPerSec >= 1000,
    });
    checks.push({
      name: 'inbound vs bare BullMQ add',
      target: '>= 1/3',
      value: inbound.ratioToBullmqFloor,
      met: inbound.msgsPerSec * 3 >= inbound.floorBullmqAddPerSec,
    });
    checks.push({ name: 'inbound p99 at 200 msg/s', target: '< 50 ms', value: inbound.p99Ms, met: inbound.p99Ms < 50 });
    // Older reports (before the PostgreSQL floor and the per-kind counts) have neither.
    if (inbound.floorPgTxPerSec) {
      checks.push({
        name: 'inbound vs PostgreSQL insert+commit floor',
        target: '>= 0.15',
        value: inbound.ratioToPgFloor,
        met: inbound.msgsPerSec >= 0.15 * inbound.floorPgTxPerSec,
      });
    }
    if (inbound.deliveryScaling) {
      const d = inbound.deliveryScaling;
      checks.push({
        name: 'two worker processes vs one',
        target: '>= 1.7, no reply twice',
        value: d.speedup,
        met: d.speedup >= 1.7 && d.duplicates === 0,
      });
    }
    if (inbound.perKind) {
      const most = Math.max(...Object.values(inbound.perKind).map((k) => k.sqlPerMessage));
      checks.push({ name: 'SQL statements per message, every kind', target: '<= 8', value: most, met: most <= 8 });
    }
  }
  if (timers) {
    checks.push({
      name: 'timer p99 lateness',
      target: '< 100 ms',
      value: timers.p99LateMs,
      met: timers.p99LateMs < 100,
    });
  }
  if (memory) checks.push({ name: 'RSS', target: '< 250 MB', value: memory.rssMb, met: memory.rssMb < 250 });
  if (report.import) {
    checks.push({
      name: 'PBB import rows/s',
      target: '>= 20000',
      value: report.import.rowsPerSec,
      met: report.import.rowsPerSec >= 20_000,
    });
  }
  return checks;
}
