import pg from 'pg';
import type { CityData } from '../core/city/loadCityData.js';
import { COMPLAINT_OPEN_STATUSES } from '../core/cases/complaintLifecycle.js';
import { PERMIT_OPEN_STATUSES } from '../core/cases/permitLifecycle.js';
import { makeTrackingNumber } from '../core/domain/trackingNumber.js';
import { seededRandom } from './seededRandom.js';

export interface OpenCasesSeed {
  openCases: number;
  /** Citizens in the middle of a conversation, with an SMS identity. */
  conversations: number;
}

export interface SeededCases {
  citizens: number;
  permits: number;
  complaints: number;
  /** The SMS numbers (E.164) of the citizens with a conversation, in order. */
  conversationPhones: string[];
  /** Some tracking numbers on file, for status checks. */
  sampleCases: Array<{ trackingNumber: string; phone: string }>;
}

/** The phone (digits) of seeded citizen i. */
const phoneSql = (i: string) => `'6285' || lpad(${i}::text, 9, '0')`;
/** A stable id per seeded row, so related rows can be written with plain set-based SQL. */
const idSql = (kind: string, i: string) => `md5('${kind}' || ${i})::uuid`;

/**
 * Fills a fresh database in bulk, with SQL rather than through the services (a million service
 * calls would take longer than the measurement): open permits (60%) and complaints (40%) in every
 * open status, each with its first event, held by citizens two cases apiece; and conversations
 * under way (a permit form waiting for the NIK, the NOP prompt, a status check, the menu),
 * active within the last ten minutes.
 */
export async function seedOpenCases(databaseUrl: string, city: CityData, seed: OpenCasesSeed): Promise<SeededCases> {
  const permits = Math.round(seed.openCases * 0.6);
  const complaints = seed.openCases - permits;
  const citizens = Math.max(seed.conversations, Math.ceil(seed.openCases / 2));
  const random = seededRandom(11);
  const used = new Set<string>();
  const tracking = (kind: 'permit' | 'complaint') => {
    for (;;) {
      const t = makeTrackingNumber(kind, random);
      if (!used.has(t.slice(1))) {
        used.add(t.slice(1));
        return t;
      }
    }
  };
  const permitNumbers = Array.from({ length: permits }, () => tracking('permit'));
  const complaintNumbers = Array.from({ length: complaints }, () => tracking('complaint'));
  const types = city.permitTypes.filter((t) => t.online);
  const categories = city.complaintCategories;

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Citizen" ("id", "phone", "fullName", "updatedAt")
       SELECT ${idSql('c', 'i')}, ${phoneSql('i')}, 'Warga ' || i, now() FROM generate_series(0, $1::int - 1) i`,
      [citizens],
    );
    await client.query(
      `INSERT INTO "ChannelIdentity" ("id", "citizenId", "channel", "address", "lastSeenAt")
       SELECT gen_random_uuid(), ${idSql('c', 'i')}, 'sms', ${phoneSql('i')}, now() - (i % 600) * interval '1 second'
       FROM generate_series(0, $1::int - 1) i`,
      [seed.conversations],
    );
    await client.query(
      `INSERT INTO "Conversation" ("citizenId", "state", "lastActivityAt", "updatedAt")
       SELECT ${idSql('c', 'i')},
         jsonb_build_object('v', 1, 'lang', 'id', 'lastActivityAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         || CASE i % 4
           WHEN 0 THEN jsonb_build_object('flow', jsonb_build_object('name', 'permit.form', 'at', 'nik', 'editing', false,
             'draft', jsonb_build_object('code', $2::text, 'documents', 0,
               'values', jsonb_build_object('name', 'Warga ' || i, 'phone', ${phoneSql('i')}))), 'options', '[]'::jsonb)
           WHEN 1 THEN jsonb_build_object('flow', jsonb_build_object('name', 'pbb.askNop'), 'options', '[]'::jsonb)
           WHEN 2 THEN jsonb_build_object('flow', jsonb_build_object('name', 'track.ask'), 'options', '["nav.menu"]'::jsonb)
           ELSE jsonb_build_object('flow', jsonb_build_object('name', 'menu'),
             'options', '["menu.permit","menu.complaint","menu.pbb","menu.track","menu.language","menu.help"]'::jsonb)
         END,
         at, now()
       FROM (SELECT i, now() - (i % 600) * interval '1 second' AS at FROM generate_series(0, $1::int - 1) i) s`,
      [seed.conversations, types[0]!.code],
    );
    await client.query(
      `INSERT INTO "PermitApplication" ("id", "trackingNumber", "citizenId", "permitTypeCode", "departmentCode", "status",
         "applicantName", "nik", "phone", "fields", "submittedAt", "deadlineAt", "updatedAt")
       SELECT ${idSql('p', 'n')}, t.tracking, ${idSql('c', '(n % $4::int)')}, ($2::text[])[1 + n % cardinality($2)],
         ($3::text[])[1 + n % cardinality($3)], ($5::text[])[1 + n % cardinality($5)]::"PermitStatus",
         'Warga ' || (n % $4::int), '1275014501900007', ${phoneSql('(n % $4::int)')}, '{"businessName":"Toko Contoh"}',
         now() - (n % 72) * interval '1 hour', now() + (1 + n % 240) * interval '1 hour', now()
       FROM unnest($1::text[]) WITH ORDINALITY AS t(tracking, n)`,
      [permitNumbers, types.map((t) => t.code), types.map((t) => t.department), citizens, [...PERMIT_OPEN_STATUSES]],
    );
    await client.query(
      `INSERT INTO "PermitEvent" ("applicationId", "actorType", "actorId", "toStatus", "createdAt")
       SELECT ${idSql('p', 'n')}, 'citizen', ${idSql('c', '(n % $2::int)')}::text, 'submitted', now() - (n % 72) * interval '1 hour'
       FROM generate_series(1, $1::int) n`,
      [permits, citizens],
    );
    await client.query(
      `INSERT INTO "Complaint" ("id", "trackingNumber", "citizenId", "categoryCode", "departmentCode", "status",
         "description", "locationText", "deadlineAt", "createdAt", "updatedAt")
       SELECT ${idSql('a', 'n')}, t.tracking, ${idSql('c', '((n + $4::int / 2) % $4::int)')}, ($2::text[])[1 + n % cardinality($2)],
         ($3::text[])[1 + n % cardinality($3)], ($5::text[])[1 + n % cardinality($5)]::"ComplaintStatus",
         'Jalan berlubang di depan pasar, sudah dua minggu belum diperbaiki ' || n, 'Jl. Merdeka No. ' || (n % 200),
         now() + (1 + n % 120) * interval '1 hour', now() - (n % 72) * interval '1 hour', now()
       FROM unnest($1::text[]) WITH ORDINALITY AS t(tracking, n)`,
      [
        complaintNumbers,
        categories.map((c) => c.code),
        categories.map((c) => c.department),
        citizens,
        [...COMPLAINT_OPEN_STATUSES],
      ],
    );
    await client.query(
      `INSERT INTO "ComplaintEvent" ("complaintId", "actorType", "actorId", "toStatus", "createdAt")
       SELECT ${idSql('a', 'n')}, 'citizen', ${idSql('c', '((n + $2::int / 2) % $2::int)')}::text, 'waiting', now() - (n % 72) * interval '1 hour'
       FROM generate_series(1, $1::int) n`,
      [complaints, citizens],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const e164 = (i: number) => `+6285${String(i).padStart(9, '0')}`;
  return {
    citizens,
    permits,
    complaints,
    conversationPhones: Array.from({ length: seed.conversations }, (_, i) => e164(i)),
    // Permit n (1-based) belongs to citizen n % citizens.
    sampleCases: permitNumbers
      .slice(0, 1000)
      .map((trackingNumber, k) => ({ trackingNumber, phone: e164((k + 1) % citizens) })),
  };
}
