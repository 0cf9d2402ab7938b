import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnectDelayMs.js';

describe('reconnectDelayMs', () => {
  it.each([
    { attempt: 1, delayMs: 2_000 },
    { attempt: 2, delayMs: 4_000 },
    { attempt: 3, delayMs: 8_000 },
    { attempt: 8, delayMs: 256_000 },
    { attempt: 9, delayMs: 300_000 },
    { attempt: 50, delayMs: 300_000 },
    { attempt: 0, delayMs: 2_000 },
  ])('attempt $attempt waits $delayMs ms', ({ attempt, delayMs }) => {
    expect(reconnectDelayMs(attempt)).toBe(delayMs);
  });
});
