/**
 * What `load` gives, made on the first call and kept: a module a process may never need (a
 * channel's SDK, an export format's library) is imported by the process that uses it, when it
 * first does, instead of at start. A failed load is tried again on the next call.
 * @example const excel = onFirstUse(() => import('write-excel-file/node')); (await excel()).default(rows)
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () =>
    (made ??= load().catch((error: unknown) => {
      made = null;
      throw error;
    }));
}
