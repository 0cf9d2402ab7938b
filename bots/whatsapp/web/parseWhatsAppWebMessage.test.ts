import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../../core/conversation/types.js';
import { webMessage, type WebMessageData } from '../../../test/support/whatsappWebMessage.js';
import { createWhatsAppWebClient } from './createWhatsAppWebClient.js';
import { parseWhatsAppWebMessage } from './parseWhatsAppWebMessage.js';

interface Case {
  label: string;
  data: WebMessageData;
  expected: Omit<InboundEvent, 'receivedAt'> | null;
}

const cases = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'parseWhatsAppWebMessage.cases.json'), 'utf8'),
) as Case[];

// A real client, as production builds it, never initialized (so it never touches its session
// folder): the messages are real whatsapp-web.js Messages.
const client = createWhatsAppWebClient({
  sessionDir: path.join(tmpdir(), 'lk-wa-never-initialized'),
  chromiumPath: '/usr/bin/chromium',
});
const receivedAt = new Date('2026-11-28T07:00:00.000Z');

describe('parseWhatsAppWebMessage', () => {
  it.each(cases)('$label', ({ data, expected }) => {
    const event = parseWhatsAppWebMessage(webMessage(client, data), receivedAt);
    expect(event).toEqual(expected === null ? null : { ...expected, receivedAt });
  });
});
