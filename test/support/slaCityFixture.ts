import { readFileSync } from 'node:fs';

/** The city of the SLA tests: short SLAs and an escalation chain of one Inspectorate. */
export const SLA_CITY_FIXTURE = 'test/fixtures/city-sla.json';

const chain = (
  JSON.parse(readFileSync(SLA_CITY_FIXTURE, 'utf8')) as {
    sla: { escalation: Array<{ emails: string[]; phones: string[] }> };
  }
).sla.escalation;

/** Where the first escalation step goes: the Inspectorate's email and SMS number. */
export const INSPECTORATE_EMAIL = chain[0]!.emails[0]!;
export const INSPECTORATE_PHONE = chain[0]!.phones[0]!;
