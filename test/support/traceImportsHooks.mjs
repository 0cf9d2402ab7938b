// The module hooks of traceImports.mjs, on Node's hooks thread.
let port;

export function initialize(data) {
  port = data.port;
  port.on('message', (message) => {
    if (message.type === 'sync') port.postMessage({ type: 'synced' });
  });
  port.unref();
}

export async function load(url, context, nextLoad) {
  port.postMessage({ type: 'load', url });
  return nextLoad(url, context);
}
