import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CAPABILITIES, CHANNEL_MODULES } from '../bots/channels.js';
import { createChannelSenders } from '../bots/registry.js';
import type { ChannelCapabilityMap } from '../core/channels/capabilities.js';
import { loadConfig } from '../core/config/loadConfig.js';
import { CHANNELS, type ChannelName, type InboundEvent, type Reply } from '../core/conversation/types.js';
import { Channel } from '../core/generated/prisma/enums.js';
import { createTranslator } from '../core/i18n/createTranslator.js';
import { handleInbound } from '../core/inbox/handleInbound.js';
import { inboxDeps } from './support/inboxDeps.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

/**
 * The one map of channels (bots/channels.ts): it names every channel the code and the database
 * know, and what each module declares is what the app does with it, not a copy kept elsewhere.
 */
describe('the channel map', () => {
  it('has one module for every ChannelName and every value of the Prisma enum Channel', () => {
    const names = Object.keys(CHANNEL_MODULES).sort();
    expect(names).toEqual([...CHANNELS].sort());
    expect(names).toEqual(Object.values(Channel).sort());
  });

  it('builds a sender, at its rate, for each channel its settings turn on, and none for the others', async () => {
    const setup = { cityName: 'Kota Contoh', translator: await createTranslator() };
    const off = createChannelSenders({ ...setup, config: loadConfig({}) });
    expect(off).toEqual({ senders: {}, rates: {} });
    const on = createChannelSenders({
      ...setup,
      config: loadConfig({
        PUBLIC_BASE_URL: 'https://layanan.kota.example',
        SMS_PROVIDER: 'android',
        SMS_RATE_PER_SECOND: '2',
        ANDROID_SMS_GATEWAY_URL: 'http://127.0.0.1:9/',
        ANDROID_SMS_GATEWAY_USERNAME: 'user',
        ANDROID_SMS_GATEWAY_PASSWORD: 'password',
        ANDROID_SMS_GATEWAY_SIGNING_KEY: 'signing-key',
        TELEGRAM_BOT_TOKEN: `123456789:${'A'.repeat(35)}`,
        TELEGRAM_RATE_PER_SECOND: '7',
        SMTP_URL: 'smtp://127.0.0.1:9',
        // Web mode sends only from the process holding the session, which this one does not.
        WHATSAPP_MODE: 'web',
      }),
    });
    expect(Object.keys(on.senders).sort()).toEqual(['email', 'sms', 'telegram']);
    expect(on.rates).toEqual({ sms: 2, telegram: 7, email: 10 });
  });
});

describe('the inbox reads the capabilities the channel modules declare', () => {
  const FLOOD = 3;
  let db: TestDatabase;
  let serial = 0;
  const now = new Date('2026-12-02T03:00:00.000Z');
  const event = (channel: ChannelName, address: string, text: string): InboundEvent => ({
    channel,
    address,
    externalId: `map-${channel}-${++serial}`,
    receivedAt: now,
    text,
  });
  /** Sends `help` once more than the flood limit allows; returns the first key of each answer written. */
  const helpFlood = async (channels: ChannelCapabilityMap, channel: ChannelName) => {
    const { deps } = inboxDeps(db, { clock: () => now, floodPerMinute: FLOOD, channels });
    const address = `62816${String(++serial).padStart(8, '0')}`;
    for (let i = 0; i <= FLOOD; i++) await handleInbound(deps, event(channel, address, 'bantuan'));
    const rows = await db.prisma.outboxMessage.findMany({ where: { address, channel }, orderBy: { seq: 'asc' } });
    return rows.map((r) => (r.replies as unknown as Reply[])[0]?.lines[0]?.key);
  };

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
  });
  afterAll(async () => {
    await db?.drop();
  });

  // What each channel's module declares, as the inbox shows it: SMS answers short (every
  // character costs), the console (a local terminal fed scripts) is never throttled.
  it.each([
    { channel: 'console', help: 'help.body', throttled: false },
    { channel: 'sms', help: 'help.bodyShort', throttled: true },
    { channel: 'telegram', help: 'help.body', throttled: true },
    { channel: 'whatsapp', help: 'help.body', throttled: true },
  ] as const)('$channel: $help, throttled: $throttled', async ({ channel, help, throttled }) => {
    expect(CHANNEL_MODULES[channel].capabilities).toMatchObject({ compact: help === 'help.bodyShort', throttled });
    const first = await helpFlood(CHANNEL_CAPABILITIES, channel);
    expect(first).toEqual([...Array<string>(FLOOD).fill(help), throttled ? 'flood.slowDown' : help]);
  });

  it('a module declaring other capabilities changes what the inbox does', async () => {
    // The console as if it were SMS: compact and throttled. A copy of the capabilities kept in
    // the core would still answer it in full and unthrottled.
    const first = await helpFlood(
      { ...CHANNEL_CAPABILITIES, console: { ...CHANNEL_CAPABILITIES.console, compact: true, throttled: true } },
      'console',
    );
    expect(first).toEqual([...Array<string>(FLOOD).fill('help.bodyShort'), 'flood.slowDown']);
  });

  it('a channel the process was not booted with is refused before anything is stored', async () => {
    const { deps } = inboxDeps(db, { clock: () => now, channels: { console: CHANNEL_CAPABILITIES.console } });
    const stranger = event('telegram', '555001', 'bantuan');
    await expect(handleInbound(deps, stranger)).rejects.toThrow(/telegram is not among the channels/);
    expect(await db.prisma.processedInbound.count({ where: { externalId: stranger.externalId } })).toBe(0);
  });
});
