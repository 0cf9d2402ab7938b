import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { androidChannel } from './channelHarness/androidChannel.js';
import type { ChannelRun, ChannelUnderTest } from './channelHarness/ChannelUnderTest.js';
import { whatsappCloudChannel } from './channelHarness/whatsappCloudChannel.js';
import { eventually } from './support/startApp.js';

// The providers' own documented payloads (fixtures/provider-samples.json, each with its source),
// delivered to the whole app through each channel's harness, signed as the provider signs: each is
// answered at the identity the provider gave, or not answered at all, and leaves nothing behind then.

interface Sample {
  label: string;
  source: string;
  native: unknown;
  /** The address the answer goes to, or null when the app must not treat it as a citizen writing. */
  answeredAt: string | null;
}

const SAMPLES = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'channelHarness', 'fixtures', 'provider-samples.json'), 'utf8'),
) as Record<string, Sample[]>;
const CHANNELS: ChannelUnderTest[] = [androidChannel, whatsappCloudChannel];

describe.each(CHANNELS)('$name: documented payloads', (channel) => {
  let run: ChannelRun;
  beforeAll(async () => {
    run = await channel.start();
  });
  afterAll(async () => {
    await run?.stop();
  });
  const samples = SAMPLES[channel.name] ?? [];

  it('has samples, each naming its source', () => {
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) expect(s.source.length).toBeGreaterThan(10);
  });

  it.for(samples)('$label', async (sample) => {
    const prisma = run.app.core.db.prisma;
    const inboundBefore = await prisma.processedInbound.count();
    const rowsBefore = await prisma.outboxMessage.count();
    await run.deliver(sample.native);
    if (sample.answeredAt === null) {
      expect(await prisma.processedInbound.count()).toBe(inboundBefore);
      expect(await prisma.outboxMessage.count()).toBe(rowsBefore);
      return;
    }
    const address = sample.answeredAt;
    expect(await prisma.channelIdentity.findFirst({ where: { address } })).not.toBeNull();
    const rows = await eventually(async () => {
      const found = await prisma.outboxMessage.findMany({ where: { address }, orderBy: { seq: 'asc' } });
      return found.length > 0 && found.every((r) => r.status !== 'pending') ? found : null;
    });
    expect(rows.at(-1)?.status).toBe('sent');
  });

  it('logged the senders masked, never whole', () => {
    const whole = samples.map((s) => s.answeredAt).filter((a): a is string => a !== null);
    const leaks = run.app.logLines.filter((l) => whole.some((a) => l.includes(a)));
    expect(leaks).toEqual([]);
  });
});
