import pg from 'pg';
import type { CityData } from '../core/city/loadCityData.js';
import { makeTrackingNumber } from '../core/domain/trackingNumber.js';
import { seededRandom } from './seededRandom.js';

/**
 * Makes returning citizens of some of the simulated numbers: a citizen with an SMS identity and
 * one permit application on file (with its first event), as a citizen who applied last week.
 * Returns the tracking numbers and their owners' numbers (E.164).
 */
export async function seedCitizensWithPermits(
  databaseUrl: string,
  city: CityData,
  phones: readonly string[],
): Promise<Array<{ trackingNumber: string; phone: string }>> {
  const random = seededRandom(7);
  const types = city.permitTypes.filter((t) => t.online);
  const used = new Set<string>();
  const rows = phones.map((phone, i) => {
    let trackingNumber: string;
    do trackingNumber = makeTrackingNumber('permit', random);
    while (used.has(trackingNumber.slice(1)));
    used.add(trackingNumber.slice(1));
    const type = types[i % types.length]!;
    return { phone, address: phone.replace(/\D/g, ''), trackingNumber, type: type.code, department: type.department };
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(address, tracking, type, department)
       ), citizens AS (
         INSERT INTO "Citizen" ("id", "phone", "fullName", "updatedAt")
         SELECT gen_random_uuid(), address, 'Warga ' || right(address, 4), now() FROM input
         RETURNING "id", "phone"
       ), identities AS (
         INSERT INTO "ChannelIdentity" ("id", "citizenId", "channel", "address")
         SELECT gen_random_uuid(), c."id", 'sms', c."phone" FROM citizens c
       ), permits AS (
         INSERT INTO "PermitApplication" ("id", "trackingNumber", "citizenId", "permitTypeCode", "departmentCode",
           "applicantName", "nik", "phone", "submittedAt", "deadlineAt", "updatedAt")
         SELECT gen_random_uuid(), i.tracking, c."id", i.type, i.department, 'Warga ' || right(i.address, 4),
           '1275014501900007', i.address, now() - interval '2 days', now() + interval '3 days', now()
         FROM input i JOIN citizens c ON c."phone" = i.address
         RETURNING "id", "citizenId", "submittedAt"
       )
       INSERT INTO "PermitEvent" ("applicationId", "actorType", "actorId", "toStatus", "createdAt")
       SELECT p."id", 'citizen', p."citizenId"::text, 'submitted', p."submittedAt" FROM permits p`,
      [
        rows.map((r) => r.address),
        rows.map((r) => r.trackingNumber),
        rows.map((r) => r.type),
        rows.map((r) => r.department),
      ],
    );
  } finally {
    await client.end();
  }
  return rows.map((r) => ({ trackingNumber: r.trackingNumber, phone: r.phone }));
}
