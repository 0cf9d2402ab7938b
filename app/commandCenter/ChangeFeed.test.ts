import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLogger } from '../../test/support/silentLogger.js';
import { ChangeFeed } from './ChangeFeed.js';

describe('ChangeFeed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls only while someone listens, and tells each listener of each change', async () => {
    let mark = 'a';
    const readMark = vi.fn(async () => mark);
    const feed = new ChangeFeed(readMark, 1000, captureLogger().logger);
    await vi.advanceTimersByTimeAsync(5000);
    expect(readMark).not.toHaveBeenCalled();

    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = feed.subscribe((v) => first.push(v));
    const stopSecond = feed.subscribe((v) => second.push(v));
    await vi.advanceTimersByTimeAsync(2000);
    expect(first).toEqual([]);
    mark = 'b';
    await vi.advanceTimersByTimeAsync(1000);
    expect(first).toEqual([1]);
    expect(second).toEqual([1]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(first).toEqual([1]);

    stopFirst();
    mark = 'c';
    await vi.advanceTimersByTimeAsync(1000);
    expect(first).toEqual([1]);
    expect(second).toEqual([1, 2]);

    stopSecond();
    const calls = readMark.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(readMark.mock.calls.length).toBe(calls);
    expect(feed.size).toBe(0);
  });

  it('logs a failed poll and keeps going', async () => {
    const { logger, lines } = captureLogger();
    let fail = true;
    let mark = 'a';
    const feed = new ChangeFeed(
      async () => {
        if (fail) throw new Error('database away');
        return mark;
      },
      1000,
      logger,
    );
    const seen: number[] = [];
    const stop = feed.subscribe((v) => seen.push(v));
    await vi.advanceTimersByTimeAsync(2000);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    mark = 'b';
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([1]);
    expect(lines.some((l) => l.includes('command center change poll failed'))).toBe(true);
    stop();
  });
});
