import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../../core/conversation/types.js';
import { parseCloudWebhook, type CloudDeliveryReport, type CloudIgnoredMessage } from './parseCloudWebhook.js';

interface Case {
  label: string;
  body: unknown;
  expected: {
    messages: Array<Omit<InboundEvent, 'receivedAt'>>;
    statuses: CloudDeliveryReport[];
    ignored: CloudIgnoredMessage[];
  };
}

const cases = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'parseCloudWebhook.cases.json'), 'utf8'),
) as Case[];
const PHONE_NUMBER_ID = '106540352242922';
const receivedAt = new Date('2026-11-28T07:00:00.000Z');

describe('parseCloudWebhook', () => {
  it.each(cases)('$label', ({ body, expected }) => {
    expect(parseCloudWebhook(body, receivedAt, PHONE_NUMBER_ID)).toEqual({
      messages: expected.messages.map((m) => ({ ...m, receivedAt })),
      statuses: expected.statuses,
      ignored: expected.ignored,
    });
  });
});
