/** Thrown by `withDeadline` when the work took longer than allowed (it goes on in the background). */
export class DeadlinePassed extends Error {
  override name = 'DeadlinePassed';
}

/**
 * Waits for `work` at most `ms`: a request must not wait for a slow Redis. The work itself is not
 * cancelled; its later failure is swallowed.
 * @example await withDeadline(queue.add('deliver', data), 1000)
 */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlinePassed(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
