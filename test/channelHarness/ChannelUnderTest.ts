import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChannelSender, OutboundMessage } from '../../core/channels/ChannelSender.js';
import type { ChannelName, InboundEvent } from '../../core/conversation/types.js';
import type { RenderedReply } from '../../core/i18n/createTranslator.js';
import type { TestApp } from '../support/startApp.js';

/** What the apps of channels that fetch photos sign Command Center sessions with, so a test can sign an officer in. */
export const HARNESS_SESSION_SECRET = 'harness-session-secret-0123456789abcdef';

/** The moment every parsed event is stamped with. */
export const RECEIVED_AT = new Date('2026-11-28T03:00:00.000Z');

/** A neutral event as a fixture writes it: without `receivedAt`, which the harness adds. */
export type ExpectedEvent = Omit<InboundEvent, 'receivedAt'>;

/**
 * One channel's answer to one case of the table. An inbound case: what the provider delivers
 * (`native`) and the event it must become (`expected`, null when the adapter drops it). A reply
 * case: the calls that must reach the provider (`expected`). `notApplicable` says why the case
 * cannot happen on this channel (no shared location on SMS, say).
 */
export interface CaseFixture {
  native?: unknown;
  expected?: unknown;
  notApplicable?: string;
}

/** test/channelHarness/fixtures/<channel>.json */
export interface ChannelFixtures {
  /** Who the replies go to: a phone number, or a Telegram chat id. */
  address: string;
  /** Keyed by the labels of the shared table (cases.ts). */
  cases: Record<string, CaseFixture>;
  /** fixtures/<channel>.reports.json, when the file is there. */
  reports?: ReportFixtures;
}

/**
 * test/channelHarness/fixtures/<channel>.reports.json: the provider's delivery reports on one
 * message the app sent, posted in order, each with the delivery status the outbox row must show
 * after it. `{{providerMessageId}}` in a report stands for the id the provider gave the message.
 * `notApplicable` says why the channel has none.
 */
export interface ReportFixtures {
  notApplicable?: string;
  /** Where each payload comes from (the provider's docs). */
  source?: string;
  /** The app's channel of the message (`sms`, `whatsapp`). */
  channel?: ChannelName;
  /**
   * The number the reported message goes to, when not the inbound fixtures' own: on SMS that
   * one has sent STOP by then, and the outbox sends it nothing.
   */
  address?: string;
  reports?: Array<{ label: string; native: unknown; deliveryStatus: string }>;
}

/** A channel started for the harness: its adapter, and the whole app configured for it alone. */
export interface ChannelRun {
  /** The whole app with only this channel on, its provider swapped for a local fake. */
  app: TestApp;
  /** Native inbound to neutral event, through the adapter; absent when the channel has no native format. */
  parse?: (native: unknown) => Promise<InboundEvent | null>;
  /** Replies to the calls that reached the provider's edge (the fake's records, or the text written). */
  send(replies: RenderedReply[], address: string): Promise<unknown[]>;
  /** Hands a native inbound to the whole app as the provider would; resolves once the app has handled it. */
  deliver(native: unknown): Promise<void>;
  /**
   * Makes the provider serve `file` as the photo of this native message, as its API would for the
   * app to download; absent on channels whose photos the app does not fetch from a provider.
   */
  servePhoto?: (native: unknown, file: Buffer) => void;
  /** Hands a native delivery report to the whole app, where the provider posts them; absent without reports. */
  deliverReport?: (native: unknown) => Promise<void>;
  /** Lines logged by the adapter's own logger, when it takes one, besides the app's. */
  adapterLogLines: string[];
  /** Credentials that must never reach a log line. */
  secrets: string[];
  stop(): Promise<void>;
}

/**
 * One channel as the harness drives it: a name, its fixtures, and how to start it.
 * @example describe.each([twilioChannel, telegramChannel])('$name', (channel) => { ... channel.start() ... })
 */
export interface ChannelUnderTest {
  name: string;
  fixtures: ChannelFixtures;
  start(): Promise<ChannelRun>;
}

/** Reads test/channelHarness/fixtures/<name>.json, and <name>.reports.json when there is one. */
export function readFixtures(name: string): ChannelFixtures {
  const file = (suffix: string) => path.join(import.meta.dirname, 'fixtures', `${name}${suffix}`);
  const fixtures = JSON.parse(readFileSync(file('.json'), 'utf8')) as ChannelFixtures;
  if (existsSync(file('.reports.json'))) {
    fixtures.reports = JSON.parse(readFileSync(file('.reports.json'), 'utf8')) as ReportFixtures;
  }
  return fixtures;
}

/** An outbox row's worth of replies for one address, in Bahasa Indonesia. */
export function outbound(channel: ChannelName, address: string, replies: RenderedReply[]): OutboundMessage {
  return { id: 'harness-outbox-1', channel, address, lang: 'id', replies, urgent: false };
}

/** The sender the app's registry built for a channel; throws when the configuration left it out. */
export function appSender(app: TestApp, channel: ChannelName): ChannelSender {
  const sender = app.runtime.senders[channel];
  if (!sender) throw new Error(`the app has no ${channel} sender: check the channel's configuration`);
  return sender;
}

/** Fails unless the app accepted a delivery (2xx). */
export async function expectAccepted(response: Response): Promise<void> {
  if (!response.ok) throw new Error(`the app answered ${response.status}: ${await response.text()}`);
}

/**
 * Every Indonesian mobile number written in the fixtures (`+62 812-3456-7890`, `6281234567890`,
 * `081234567890`), in each form a log line could carry it whole: international digits and national.
 */
export function phoneNumbersIn(fixtures: ChannelFixtures): string[] {
  const found = JSON.stringify(fixtures).match(/(?<!\d)\+?(?:62|0)[\s-]?8(?:[\s-]?\d){8,11}(?!\d)/g) ?? [];
  const international = new Set(
    found.map((n) => n.replace(/\D/g, '')).map((d) => (d.startsWith('0') ? `62${d.slice(1)}` : d)),
  );
  return [...international].flatMap((d) => [d, `0${d.slice(2)}`]);
}
