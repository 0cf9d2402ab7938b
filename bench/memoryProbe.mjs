// Loaded into an app process the bench starts (node --import), whichever build it runs (tsx or
// compiled): answers the bench's questions about its memory over the IPC channel, as
// bench/childProtocol.ts says. Plain JavaScript, so that it needs no TypeScript loader.
import process from 'node:process';
import v8 from 'node:v8';

function memory() {
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  return {
    type: 'memory',
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    spaces,
  };
}

if (process.send) {
  process.on('message', (message) => {
    if (message?.type === 'memory') process.send(memory());
    if (message?.type === 'gc') {
      // Only with --expose-gc; without it, this is the same as 'memory'.
      globalThis.gc?.();
      process.send(memory());
    }
    if (message?.type === 'snapshot') {
      // A heap snapshot for Chrome DevTools' Memory tab: what holds the heap, by constructor.
      globalThis.gc?.();
      process.send({ type: 'snapshot', file: v8.writeHeapSnapshot(message.file) });
    }
  });
  // The IPC channel must not keep a stopped app alive.
  process.channel?.unref();
}
