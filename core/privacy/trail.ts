import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/**
 * The trail of personal data (UU PDP): who read or changed whose data, when, through what, and
 * which fields. Written in the same transaction as the read or change it records; never
 * rewritten (a trigger refuses UPDATE and DELETE on PersonalDataEvent).
 */

/** What happened to the data. */
export type PersonalDataAction =
  /** An officer read a case's personal data (bot command, case page). */
  | 'view'
  /** An officer exported cases (the Command Center's CSV/XLSX). */
  | 'export'
  /** The first-contact privacy notice was sent. */
  | 'notice'
  /** The resident asked for their data (DATA SAYA) or opened its copy. */
  | 'copy'
  /** The resident corrected a field (UBAH DATA). */
  | 'correct'
  /** The resident's data was erased (HAPUS DATA SAYA). */
  | 'erase'
  /** Consent to optional processing withdrawn or given again. */
  | 'consent'
  /** The retention job deleted or pseudonymised data past its period. */
  | 'retention';

/** Where it happened. */
export type PersonalDataVia = 'bot' | 'board' | 'export' | 'chat' | 'web' | 'job' | 'cli';

/** Personal fields, as the trail names them. */
export type PersonalField =
  | 'name'
  | 'nik'
  | 'phone'
  | 'email'
  | 'address'
  | 'location'
  | 'photos'
  | 'fields'
  | 'description'
  | 'identities'
  | 'messages';

export interface PersonalDataEventInput {
  at: Date;
  actor: { type: 'officer' | 'citizen' | 'system'; id: string | null };
  action: PersonalDataAction;
  via: PersonalDataVia;
  /** Whose data; null when the case has no citizen (an Open311 reporter's). */
  citizenId: string | null;
  caseKind?: 'permit' | 'complaint' | undefined;
  trackingNumber?: string | undefined;
  fields: readonly PersonalField[];
}

type Db = Prisma.TransactionClient | PrismaClient;

/** Appends events to the trail, in one statement whatever their number. */
export async function recordPersonalData(db: Db, events: readonly PersonalDataEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db.personalDataEvent.createMany({
    data: events.map((e) => ({
      at: e.at,
      actorType: e.actor.type,
      actorId: e.actor.id,
      action: e.action,
      via: e.via,
      citizenId: e.citizenId,
      caseKind: e.caseKind ?? null,
      trackingNumber: e.trackingNumber ?? null,
      fields: [...e.fields],
    })),
  });
}
