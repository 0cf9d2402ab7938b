import type { PrismaClient } from '../../core/generated/prisma/client.js';
import type { Logger } from '../../core/log/createLogger.js';

/**
 * Tells listeners when cases change. It polls a cheap mark of the case tables (counts and the
 * latest updatedAt) every `intervalMs` while anyone listens, and stops when the last one goes:
 * simple, works across any number of processes, and the database stays the one truth.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(version: number) => void>();
  private timer: NodeJS.Timeout | null = null;
  private mark: string | null = null;
  private polling = false;
  /** Bumped on every change seen. */
  version = 0;

  constructor(
    private readonly readMark: () => Promise<string>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Calls `listener` on each change until the returned function is called. */
  subscribe(listener: (version: number) => void): () => void {
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
        this.mark = null;
      }
    };
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const mark = await this.readMark();
      if (this.mark !== null && mark !== this.mark) {
        this.version++;
        for (const listener of this.listeners) listener(this.version);
      }
      if (this.listeners.size > 0) this.mark = mark;
    } catch (error) {
      this.logger.warn({ err: error }, 'command center change poll failed');
    } finally {
      this.polling = false;
    }
  }
}

/** The mark of the case tables: changes whenever a case is filed or changed. */
export async function readCaseMark(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<Array<{ mark: string }>>`
    SELECT concat_ws('/',
      (SELECT count(*) FROM "PermitApplication"), (SELECT max("updatedAt") FROM "PermitApplication"),
      (SELECT count(*) FROM "Complaint"), (SELECT max("updatedAt") FROM "Complaint")) AS mark`;
  return row?.mark ?? '';
}
