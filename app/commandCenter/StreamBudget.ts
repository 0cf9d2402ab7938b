/** Who opens an event stream: a signed-in officer, or a TV wall screen from a client address. */
export type StreamViewer = { kind: 'officer'; officerId: string } | { kind: 'tv'; address: string };

/** How many event streams one process keeps open, per viewer. */
export interface StreamLimits {
  /** Streams one signed-in officer may hold at once (a few tabs or screens). */
  perOfficer: number;
  /** The TV wall's whole budget, shared by every screen without a sign-in. */
  tvWall: number;
  /** Streams of the TV wall's budget one client address may hold. */
  tvWallPerClient: number;
}

/**
 * What a refused stream is told: `own_limit` when the viewer holds their own share already
 * (429), `wall_full` when the TV wall's whole budget is taken (503).
 */
export type StreamRefusal = 'own_limit' | 'wall_full';

/**
 * Counts the event streams a process holds, per viewer, so no number of TV or anonymous streams
 * can take an officer's: each officer has a few of their own, and the TV wall a budget of its own,
 * shared fairly between client addresses. `take` answers a release function, to call once when
 * the stream closes, or why the stream is refused.
 */
export class StreamBudget {
  private readonly perOfficer = new Map<string, number>();
  private readonly perClient = new Map<string, number>();
  private tvWall = 0;

  constructor(private readonly limits: StreamLimits) {}

  take(viewer: StreamViewer): { release: () => void } | { refused: StreamRefusal } {
    if (viewer.kind === 'officer') {
      const held = this.perOfficer.get(viewer.officerId) ?? 0;
      if (held >= this.limits.perOfficer) return { refused: 'own_limit' };
      this.perOfficer.set(viewer.officerId, held + 1);
      return { release: once(() => decrement(this.perOfficer, viewer.officerId)) };
    }
    const held = this.perClient.get(viewer.address) ?? 0;
    if (held >= this.limits.tvWallPerClient) return { refused: 'own_limit' };
    if (this.tvWall >= this.limits.tvWall) return { refused: 'wall_full' };
    this.perClient.set(viewer.address, held + 1);
    this.tvWall++;
    return {
      release: once(() => {
        decrement(this.perClient, viewer.address);
        this.tvWall--;
      }),
    };
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  // Keys of viewers who hold nothing are dropped, so the maps do not grow with every address seen.
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

/** How long a stream told to go is asked to wait before it reconnects (the SSE `retry:` field). */
export const BYE_RETRY_MS = 2000;

/**
 * The event streams a web app holds open, so its shutdown can tell each one to reconnect (an
 * `event: bye` with a `retry:` hint) and end it: `server.close()` alone would wait for streams
 * that never end. Kept per Express app (several apps may run in one process, as in tests).
 */
export class OpenStreams {
  private readonly open = new Set<() => void>();
  private closing = false;

  /** Holds `end` (which ends the stream) until the stream closes; a stream opened during the shutdown is ended at once. */
  add(end: () => void): () => void {
    if (this.closing) {
      end();
      return () => undefined;
    }
    this.open.add(end);
    return () => void this.open.delete(end);
  }

  /** Ends every open stream and every one opened from now on; answers how many were open. */
  endAll(): number {
    this.closing = true;
    const ends = [...this.open];
    this.open.clear();
    for (const end of ends) end();
    return ends.length;
  }
}

const openStreamsByApp = new WeakMap<object, OpenStreams>();

/** The open streams of `app` (an Express app: `req.app` in a handler). */
export function openStreamsOf(app: object): OpenStreams {
  let streams = openStreamsByApp.get(app);
  if (!streams) {
    streams = new OpenStreams();
    openStreamsByApp.set(app, streams);
  }
  return streams;
}
