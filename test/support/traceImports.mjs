// Loaded with `node --import`: records the URL of every module the process loads, so a test can
// ask a child process what it loaded. `globalThis.loadedModules()` resolves to them all, up to now.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const loaded = new Set();
const waiting = [];
port1.on('message', (message) => {
  if (message.type === 'load') loaded.add(message.url);
  if (message.type === 'synced') {
    waiting.shift()?.([...loaded]);
    if (waiting.length === 0) port1.unref();
  }
});
port1.unref();
register('./traceImportsHooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

// The hooks answer a sync after every load they told of before it (one port, in order).
globalThis.loadedModules = () =>
  new Promise((resolve) => {
    waiting.push(resolve);
    port1.ref();
    port1.postMessage({ type: 'sync' });
  });
