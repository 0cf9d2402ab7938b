import type { PrismaClient } from '../../core/generated/prisma/client.js';
import type { Logger } from '../../core/log/createLogger.js';

/** The version of each department's cases, by department code (see readCaseWatermarks). */
export type CaseMarks = ReadonlyMap<string, string>;

/** What listeners are told: the feed's own counter and the departments whose cases changed. */
export interface CaseChange {
  version: number;
  departments: string[];
}

/**
 * Tells listeners when cases change, and in which departments. It polls the case watermark
 * (one row per department, bumped by database triggers) every `intervalMs` while anyone
 * listens, and stops when the last one goes: simple, works across any number of processes, and
 * the database stays the one truth.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(change: CaseChange) => void>();
  private timer: NodeJS.Timeout | null = null;
  private marks: CaseMarks | null = null;
  private polling = false;
  /** Bumped on every change seen. */
  version = 0;

  constructor(
    private readonly readMarks: () => Promise<CaseMarks>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Calls `listener` on each change until the returned function is called. */
  subscribe(listener: (change: CaseChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      // An open board must never keep a stopping process alive.
      this.timer.unref();
      void this.poll();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
        this.marks = null;
      }
    };
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const marks = await this.readMarks();
      const departments = this.marks ? changedDepartments(this.marks, marks) : [];
      if (departments.length > 0) {
        this.version++;
        const change = { version: this.version, departments };
        for (const listener of this.listeners) listener(change);
      }
      if (this.listeners.size > 0) this.marks = marks;
    } catch (error) {
      this.logger.warn({ err: error }, 'command center change poll failed');
    } finally {
      this.polling = false;
    }
  }
}

/** Departments whose mark differs between two polls (appeared, moved or gone), by code. */
export function changedDepartments(before: CaseMarks, after: CaseMarks): string[] {
  const codes = new Set([...before.keys(), ...after.keys()]);
  return [...codes].filter((code) => before.get(code) !== after.get(code)).sort();
}

/**
 * The case watermark: each department's version, bumped by the triggers of migration
 * 20261208110000_case_watermark whenever one of its cases is filed, changed, forwarded or
 * deleted. A handful of rows, whatever the number of cases.
 */
export async function readCaseWatermarks(prisma: PrismaClient): Promise<CaseMarks> {
  const rows = await prisma.$queryRaw<Array<{ department: string; version: string }>>`
    SELECT "departmentCode" AS department, "version"::text AS version FROM "CaseWatermark"`;
  return new Map(rows.map((r) => [r.department, r.version]));
}
