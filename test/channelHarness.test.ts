import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { maskPhone } from '../core/domain/mask.js';
import { androidChannel } from './channelHarness/androidChannel.js';
import { CASES, PHOTO } from './channelHarness/cases.js';
import {
  phoneNumbersIn,
  RECEIVED_AT,
  type ChannelRun,
  type ChannelUnderTest,
  type ExpectedEvent,
} from './channelHarness/ChannelUnderTest.js';
import { consoleChannel } from './channelHarness/consoleChannel.js';
import { telegramChannel } from './channelHarness/telegramChannel.js';
import { twilioChannel } from './channelHarness/twilioChannel.js';
import { whatsappCloudChannel } from './channelHarness/whatsappCloudChannel.js';
import { whatsappWebChannel } from './channelHarness/whatsappWebChannel.js';
import { PHOTO as PHOTO_FILE, sha256Of } from './support/photoFiles.js';
import { eventually } from './support/startApp.js';

// One harness for every channel, as courier tests its handlers: each runs the same table of
// cases (inbound fixture -> neutral event, replies -> native calls), then takes its inbound
// fixtures through the whole app, and no credential nor whole phone number may reach the logs.
const CHANNELS: ChannelUnderTest[] = [
  consoleChannel,
  twilioChannel,
  androidChannel,
  telegramChannel,
  whatsappWebChannel,
  whatsappCloudChannel,
];

const PHOTO_FETCHABLE = "the photo's media reference is one the app can fetch";

/**
 * Product bugs this harness shows, kept as failing tests (`it.fails`) until fixed. When one is
 * fixed its test starts passing, `it.fails` reports that, and its line here goes.
 */
const KNOWN_BUGS: Record<string, string> = {};
const itUnlessKnownBug = (channel: string, label: string) => (`${channel} / ${label}` in KNOWN_BUGS ? it.fails : it);

describe.each(CHANNELS)('$name', (channel) => {
  let run: ChannelRun;
  const fixtureOf = (label: string) => {
    const fixture = channel.fixtures.cases[label];
    if (!fixture) throw new Error(`fixtures/${channel.name}.json has no case "${label}"`);
    return fixture;
  };

  beforeAll(async () => {
    run = await channel.start();
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('has a fixture for every case of the table and no other', () => {
    expect(Object.keys(channel.fixtures.cases).sort()).toEqual(CASES.map((c) => c.label).sort());
  });

  it.for(CASES)('$label', async (c, { skip }) => {
    const fixture = fixtureOf(c.label);
    if (fixture.notApplicable !== undefined) return skip(fixture.notApplicable);
    if (c.kind === 'reply') {
      expect(await run.send(c.replies, channel.fixtures.address)).toEqual(fixture.expected);
      return;
    }
    if (!run.parse) return skip('the channel has no native inbound format');
    const events = [];
    for (let i = 0; i < c.deliveries; i++) events.push(await run.parse(fixture.native));
    const expected = fixture.expected as ExpectedEvent | null;
    expect(events).toEqual(events.map(() => expected && { ...expected, receivedAt: RECEIVED_AT }));
  });

  itUnlessKnownBug(channel.name, PHOTO_FETCHABLE)(PHOTO_FETCHABLE, async ({ skip }) => {
    const photo = fixtureOf(PHOTO);
    const media = (photo.expected as ExpectedEvent | undefined)?.media ?? [];
    if (media.length === 0) return skip(photo.notApplicable ?? 'no photo on this channel');
    for (const ref of media) {
      const bytes = await run.app.core.inbox.fetchMedia(ref);
      expect(bytes.length).toBeGreaterThan(0);
      // Where the harness gave the provider the photo's bytes, those came back through its API.
      if (run.servePhoto) expect(sha256Of(bytes)).toBe(PHOTO_FILE.sha256);
    }
  });

  it('the whole app handles every inbound fixture, a duplicate delivery once, and answers them', async () => {
    let messages = 0;
    let repeats = 0;
    for (const c of CASES) {
      const fixture = fixtureOf(c.label);
      if (c.kind !== 'inbound' || fixture.native === undefined) continue;
      for (let i = 0; i < c.deliveries; i++) await run.deliver(fixture.native);
      // Console lines have no expected event: each is a message.
      if (fixture.expected !== null) {
        messages++;
        repeats += c.deliveries - 1;
      }
    }
    const prisma = run.app.core.db.prisma;
    await eventually(async () => (await prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0);
    expect(await prisma.processedInbound.count()).toBe(messages);
    expect(run.app.logLines.filter((l) => l.includes('duplicate inbound ignored'))).toHaveLength(repeats);
    const rows = await prisma.outboxMessage.findMany({ select: { status: true } });
    expect(rows.length).toBeGreaterThanOrEqual(messages);
    // Sent, or (after STOP on SMS) suppressed; none failed or left behind.
    expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'suppressed')).toEqual([]);
  });

  it("records the provider's delivery reports on the message they name, never moving back", async ({ skip }) => {
    const fixtures = channel.fixtures.reports;
    if (!fixtures || fixtures.notApplicable !== undefined) {
      return skip(fixtures?.notApplicable ?? `no fixtures/${channel.name}.reports.json`);
    }
    const prisma = run.app.core.db.prisma;
    const row = await prisma.outboxMessage.create({
      data: {
        channel: fixtures.channel!,
        address: fixtures.address ?? channel.fixtures.address,
        language: 'id',
        replies: [{ lines: [{ key: 'help.bodyShort' }] }],
      },
    });
    // Through the app's own relay: the provider's fake gives the id the reports name.
    await run.app.runtime.relay.deliver([row.id]);
    // The running worker may have claimed the row first: wait for its settle, not for this call.
    const providerId = await vi.waitFor(
      async () => {
        const [sent] = await prisma.providerMessage.findMany({ where: { outboxMessageId: row.id } });
        expect(sent).toBeDefined();
        return sent!.providerMessageId;
      },
      { timeout: 30_000, interval: 100 },
    );
    const seen = [];
    for (const report of fixtures.reports ?? []) {
      await run.deliverReport!(
        JSON.parse(JSON.stringify(report.native).replaceAll('{{providerMessageId}}', providerId!)),
      );
      const { deliveryStatus } = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
      seen.push({ label: report.label, deliveryStatus });
    }
    expect(seen).toEqual((fixtures.reports ?? []).map(({ label, deliveryStatus }) => ({ label, deliveryStatus })));
  });

  // Last: it reads what every test above made the adapter and the app log.
  it('no credential nor whole phone number reached the logs', () => {
    const lines = [...run.app.logLines, ...run.adapterLogLines];
    // The address was logged, masked: the check below reads real traffic, not an empty log.
    expect(lines.some((l) => l.includes(maskPhone(channel.fixtures.address)))).toBe(true);
    const forbidden = [...run.secrets, ...phoneNumbersIn(channel.fixtures)];
    const leaks = forbidden.flatMap((secret) =>
      lines.filter((l) => l.includes(secret)).map((line) => ({ secret, line })),
    );
    expect(leaks).toEqual([]);
  });
});
