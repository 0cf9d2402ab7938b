import { describe, expect, it } from 'vitest';
import { onFirstUse } from './onFirstUse.js';

describe('onFirstUse', () => {
  it('loads nothing until the first call, then once for every caller', async () => {
    let loads = 0;
    const get = onFirstUse(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(await get()).toBe(a);
    expect(b).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries a failed load again on the next call', async () => {
    let loads = 0;
    const get = onFirstUse(async () => {
      if (++loads === 1) throw new Error('not installed');
      return 'loaded';
    });
    await expect(get()).rejects.toThrow('not installed');
    expect(await get()).toBe('loaded');
    expect(loads).toBe(2);
  });
});
