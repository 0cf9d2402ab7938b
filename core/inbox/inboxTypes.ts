import type { CityData } from '../city/loadCityData.js';
import type { ChannelCapabilities, ChannelCapabilityMap } from '../channels/capabilities.js';
import type { ChannelName, Lang, Reply } from '../conversation/types.js';
import type { Lexicon } from '../conversation/understanding/Lexicon.js';
import type { Database } from '../db/openDatabase.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../log/createLogger.js';
import type { MediaFetcher } from '../media/storeMedia.js';
import type { CaseClocksChanged } from '../sla/caseClocks.js';
import type { SlaCase } from '../sla/planTimers.js';

export interface InboxDeps {
  prisma: PrismaClient;
  /** Its transactions, whose message-path statements run prepared on their connection. */
  db: Pick<Database, 'transaction' | 'statements'>;
  city: CityData;
  logger: Logger;
  clock: () => Date;
  idleTimeoutMs: number;
  draftRetentionMs: number;
  defaultLanguage: Lang;
  /** Inbound text longer than this is cut before it is read. */
  maxChars: number;
  /** Messages a citizen may send per minute; past it they are told once to slow down. */
  floodPerMinute: number;
  /** Where photos are kept, by content hash. */
  mediaDir: string;
  /** Fetches the bytes of a photo a channel received. */
  fetchMedia: MediaFetcher;
  /** How residents write: the word lists the conversation reads messages with. */
  words: Lexicon;
  /** What each channel carries, as its module declares (bots/channels.ts). */
  channels: ChannelCapabilityMap;
  /** Where residents open their DATA SAYA copy: the web role's public address. */
  publicBaseUrl?: string | undefined;
}

/** The citizen fields the dialogue's executor reads. */
export type DialogueCitizen = { id: string; language: Lang; privacyNoticeAt: Date | null };

export type InboundOutcome =
  | {
      status: 'handled';
      citizenId: string;
      /** Rows answering on the channel the message came from. */
      outboxIds: string[];
      replies: Reply[];
      /** Rows to other people or channels (officers told of a new case, a citizen's answer). */
      notifications?: Array<{ id: string; channel: ChannelName }>;
      /** Status changes and first answers an officer made, whose SLA timers move. */
      changes?: CaseClocksChanged[];
      /** Cases opened by this message, whose SLA timers start. */
      opened?: SlaCase[];
    }
  | { status: 'duplicate' };

/** Rows written for people other than the sender (officers told of a new case, a citizen's answer). */
export type Notifications = Array<{ id: string; channel: ChannelName }>;

/** The capabilities the channel's module declared; a channel the process was not booted with is an error. */
export function capabilitiesOf(deps: InboxDeps, channel: ChannelName): Readonly<ChannelCapabilities> {
  const capabilities = deps.channels[channel];
  if (!capabilities) throw new Error(`channel ${channel} is not among the channels this process was booted with`);
  return capabilities;
}
