import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  selfMs: number;
  /** Percent of the busy (non-idle) samples. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  /** Self time by where the code lives: a package, a folder of ours, Node's internals, GC. */
  byModule: ProfileShare[];
  /** The functions with the most self time. */
  topFunctions: ProfileShare[];
}

/** Where a frame's code lives: `pg`, `@prisma/client`, `ours: core/inbox`, `node: internal/http`, `(garbage collector)`. */
function moduleOf(url: string, functionName: string, root: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const relative = path.relative(root, file);
  if (!relative.startsWith('..')) return `ours: ${relative.split('/').slice(0, 2).join('/')}`;
  return file;
}

/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time per
 * module and per function, as shares of the busy time, optionally from a moment on (after boot).
 */
export function summariseCpuProfile(
  file: string,
  /** Only samples from this moment on (microseconds of the monotonic clock the profile uses). */
  fromMicros = 0,
  root = process.cwd(),
  top = 25,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromMicros) return;
    // A sample's time is the gap to the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + ms);
  });
  let idleMs = 0;
  let busyMs = 0;
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const where = moduleOf(url, functionName, root);
    modules.set(where, (modules.get(where) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const shares = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), percent: Number(((100 * ms) / busyMs).toFixed(1)) }));
  return {
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleMs),
    byModule: shares(modules),
    topFunctions: shares(functions),
  };
}
