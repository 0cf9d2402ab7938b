import type { ChannelName } from '../../core/conversation/types.js';
import type { ClockName } from '../../core/sla/caseClocks.js';
import type { SlaClock } from '../../web/slaClock.js';

/** An open case as officers see it on the board. No contact data of the citizen. */
export interface BoardCase {
  kind: 'permit' | 'complaint';
  trackingNumber: string;
  /** The permit type or complaint category, in the board's language. */
  title: string;
  typeCode: string;
  departmentCode: string;
  departmentName: string;
  status: string;
  statusLabel: string;
  startedAt: string;
  deadlineAt: string;
  /** Set while the clock stands still (a permit waiting for the applicant's corrections). */
  pausedAt: string | null;
  clock: SlaClock;
  /**
   * The clock shown, whose start and deadline `startedAt` and `deadlineAt` are: a permit's only
   * one; of a complaint's three (caseClocks), the running one due first.
   */
  clockName: ClockName;
  /** A complaint's clock and its deadline in words, in city time; null for a permit. */
  clockLabel: string | null;
  holder: { id: string; name: string } | null;
  /** A complaint's words, cut short; null for permits. */
  description: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Channels where the citizen takes no messages, as the provider or an SMS STOP said; empty for an anonymous complainant. */
  optedOut: OptedOutChannel[];
  /** A complaint's photos, oldest first, each at `/api/cases/{trackingNumber}/photos/{sha256}`; none for permits. */
  photos: string[];
}

/** A channel identity of the case's citizen that takes no messages, and since when. */
export interface OptedOutChannel {
  channel: ChannelName;
  since: string;
  reason: string;
}

/** Where the board reads a case's photo: the signed-in officer's own view of the case. */
export function casePhotoPath(trackingNumber: string, sha256: string): string {
  return `/api/cases/${trackingNumber}/photos/${sha256}`;
}
