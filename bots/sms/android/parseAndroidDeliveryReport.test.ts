import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAndroidDeliveryReport } from './parseAndroidDeliveryReport.js';

// The gateway's documented payloads (test/fixtures/android-delivery-reports.json.source).
const DOCS = JSON.parse(readFileSync('test/fixtures/android-delivery-reports.json', 'utf8')) as Record<string, unknown>;

describe('parseAndroidDeliveryReport', () => {
  it.each([
    { label: 'sms:sent', body: DOCS['sms:sent'], expected: { providerMessageId: 'msg-456', status: 'sent' } },
    {
      label: 'sms:delivered',
      body: DOCS['sms:delivered'],
      expected: { providerMessageId: 'msg-789', status: 'delivered' },
    },
    {
      label: 'sms:failed, with its reason',
      body: DOCS['sms:failed'],
      expected: { providerMessageId: 'msg-000', status: 'failed', detail: 'Network error' },
    },
    {
      label: 'sms:cancelled, a message that did not go',
      body: { event: 'sms:cancelled', payload: { messageId: 'msg-456', cancelledAt: '2026-06-22T10:00:00.000+07:00' } },
      expected: { providerMessageId: 'msg-456', status: 'failed', detail: 'cancelled' },
    },
    {
      label: 'a reason on a success is not kept',
      body: { event: 'sms:sent', payload: { messageId: 'm1', reason: 'odd' } },
      expected: { providerMessageId: 'm1', status: 'sent' },
    },
    { label: "a citizen's message", body: { event: 'sms:received', payload: { messageId: 'abc123' } }, expected: null },
    { label: 'a ping', body: { event: 'system:ping', payload: {} }, expected: null },
    { label: 'no message id', body: { event: 'sms:failed', payload: { reason: 'x' } }, expected: null },
    { label: 'a message id of another type', body: { event: 'sms:sent', payload: { messageId: 42 } }, expected: null },
    { label: 'not an object', body: ['sms:sent'], expected: null },
  ])('$label', ({ body, expected }) => {
    expect(parseAndroidDeliveryReport(body)).toEqual(expected);
  });
});
