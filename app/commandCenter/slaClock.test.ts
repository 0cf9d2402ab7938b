import { describe, expect, it } from 'vitest';
import { CLOSE_FRACTION, slaClock } from '../../web/slaClock.js';
import cases from './slaClock.cases.json' with { type: 'json' };

// The clock rule the server and the board in the browser share (web/slaClock.js).
describe('slaClock', () => {
  it('calls a clock close below a quarter of its SLA left', () => {
    expect(CLOSE_FRACTION).toBe(0.25);
  });

  it.each(cases)('$label', ({ startedAt, deadlineAt, pausedAt, now, expected }) => {
    expect(slaClock({ startedAt, deadlineAt, pausedAt: pausedAt ?? null }, Date.parse(now))).toEqual(expected);
  });
});
