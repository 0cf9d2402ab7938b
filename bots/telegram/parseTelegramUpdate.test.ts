import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../core/conversation/types.js';
import { parseTelegramUpdate } from './parseTelegramUpdate.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'parseTelegramUpdate.cases.json'), 'utf8')) as {
  cases: Array<{ label: string; update: unknown; expected: Omit<InboundEvent, 'receivedAt'> | null }>;
};

const RECEIVED_AT = new Date('2026-11-28T03:00:00.000Z');

describe('parseTelegramUpdate', () => {
  it.each(fixture.cases)('$label', ({ update, expected }) => {
    expect(parseTelegramUpdate(update, RECEIVED_AT)).toEqual(expected && { ...expected, receivedAt: RECEIVED_AT });
  });

  it.each([
    { label: 'null', body: null },
    { label: 'a string', body: 'update' },
    { label: 'an empty object', body: {} },
    { label: 'update_id as text', body: { update_id: '815000001', message: { text: 'pbb' } } },
  ])('ignores a body that is not an update: $label', ({ body }) => {
    expect(parseTelegramUpdate(body, RECEIVED_AT)).toBeNull();
  });
});
