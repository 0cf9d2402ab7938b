import { recordCaseNote } from '../cases/recordCaseNote.js';
import type { CorrectableField, StepEvent } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { PrivacyDeps } from './runPrivacyEffect.js';
import { recordPersonalData } from './trail.js';

/** How a case note names the field for the officer reading the case (no value: it is on the case). */
const NOTE_FIELD: Record<CorrectableField, string> = { name: 'nama', email: 'email', phone: 'nomor telepon' };

/**
 * UBAH DATA: writes the corrected field on the citizen and their open cases, and records it on the
 * trail. The value comes validated from the dialogue. Each open permit touched gets a terse case
 * note so the officer holding it knows the contact changed; closed cases stay as they were decided.
 */
export async function correctCitizenData(
  deps: PrivacyDeps,
  field: CorrectableField,
  value: string,
): Promise<StepEvent> {
  const { tx, citizenId, now } = deps;
  await correctCitizen(tx, citizenId, field, value);
  const open = await tx.permitApplication.findMany({
    where: { citizenId, closedAt: null, pseudonymisedAt: null },
    select: { id: true, trackingNumber: true, status: true },
  });
  if (open.length > 0) {
    await tx.permitApplication.updateMany({
      where: { id: { in: open.map((p) => p.id) } },
      data: permitData(field, value),
    });
  }
  const actor = { type: 'citizen' as const, id: citizenId };
  for (const permit of open) {
    await recordCaseNote(
      tx,
      { kind: 'permit', id: permit.id, status: permit.status },
      actor,
      `Data pemohon diubah oleh pemohon: ${NOTE_FIELD[field]}`,
      now,
    );
  }
  await recordPersonalData(tx, [
    { at: now, actor, action: 'correct', via: 'chat', citizenId, fields: [field] },
    ...open.map((p) => ({
      at: now,
      actor,
      action: 'correct' as const,
      via: 'chat' as const,
      citizenId,
      caseKind: 'permit' as const,
      trackingNumber: p.trackingNumber,
      fields: [field],
    })),
  ]);
  return { type: 'privacy.corrected', field, cases: open.length };
}

/**
 * The citizen's own row. Citizen.phone is the number a channel vouched for (the SMS or WhatsApp
 * sender): a typed phone never overwrites it, it only becomes the contact phone of open permits.
 * An email given again is consent to email notices given again.
 */
async function correctCitizen(
  tx: Prisma.TransactionClient,
  citizenId: string,
  field: CorrectableField,
  value: string,
): Promise<void> {
  if (field === 'name') await tx.citizen.update({ where: { id: citizenId }, data: { fullName: value } });
  if (field === 'email') {
    await tx.citizen.update({ where: { id: citizenId }, data: { email: value, emailNoticesOff: false } });
  }
}

/** The permit columns a field corrects. */
function permitData(field: CorrectableField, value: string): Prisma.PermitApplicationUpdateManyMutationInput {
  if (field === 'name') return { applicantName: value };
  if (field === 'email') return { email: value };
  return { phone: value };
}
