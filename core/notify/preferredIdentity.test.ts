import { describe, expect, it } from 'vitest';
import type { ChannelName } from '../conversation/types.js';
import { preferredIdentity } from './preferredIdentity.js';

const at = new Date('2026-12-01T02:00:00.000Z');
const id = (channel: ChannelName, optedOut = false) => ({
  channel,
  address: `${channel}-1`,
  optedOutAt: optedOut ? at : null,
});

describe('preferredIdentity', () => {
  it.each([
    { label: 'the newest identity', identities: [id('telegram'), id('sms')], smsOptOut: false, expected: 'telegram' },
    {
      label: 'past a blocked bot, the next channel',
      identities: [id('telegram', true), id('whatsapp')],
      smsOptOut: false,
      expected: 'whatsapp',
    },
    {
      label: 'past a STOPped number (Citizen.smsOptOut), the next channel',
      identities: [id('sms'), id('telegram')],
      smsOptOut: true,
      expected: 'telegram',
    },
    {
      label: 'the terminal only when nothing else',
      identities: [id('console'), id('sms')],
      smsOptOut: false,
      expected: 'sms',
    },
    {
      label: 'an opted-out one when no other is left (its row is then suppressed)',
      identities: [id('telegram', true)],
      smsOptOut: false,
      expected: 'telegram',
    },
    { label: 'none without identities', identities: [], smsOptOut: false, expected: undefined },
  ])('$label', ({ identities, smsOptOut, expected }) => {
    expect(preferredIdentity(identities, smsOptOut)?.channel).toBe(expected);
  });
});
