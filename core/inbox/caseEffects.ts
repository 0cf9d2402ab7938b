import { CaseError } from '../cases/CaseError.js';
import { findDuplicateComplaint, submitComplaint } from '../cases/complaintService.js';
import { submitPermit } from '../cases/permitService.js';
import { recordCaseNote } from '../cases/recordCaseNote.js';
import type { ComplaintDraft, PermitDraft, StepEvent } from '../conversation/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import { writeNotification } from '../notify/writeNotification.js';
import { findOfficerCase } from '../officers/caseLookup.js';
import { notifyDepartment } from '../officers/notifyDepartment.js';
import type { SlaCase } from '../sla/planTimers.js';
import type { InboxDeps, Notifications } from './inboxTypes.js';

/** A citizen's answer to an officer: an event on the case and a message to that officer, while the case is open. */
export async function forwardToOfficer(
  tx: Prisma.TransactionClient,
  deps: InboxDeps,
  citizenId: string,
  reply: { trackingNumber: string; officerId: string; text: string },
  now: Date,
  notifications: Notifications,
): Promise<StepEvent> {
  const found = await findOfficerCase(tx, deps.city, reply.trackingNumber);
  const officer = await tx.officer.findUnique({ where: { id: reply.officerId } });
  if (!found || !found.open || found.citizenId !== citizenId || !officer?.channel || !officer.address) {
    return { type: 'case.citizenReplied', trackingNumber: reply.trackingNumber, forwarded: false, text: reply.text };
  }
  await recordCaseNote(tx, found, { type: 'citizen', id: citizenId }, `Balasan warga: ${reply.text}`, now);
  notifications.push(
    await writeNotification(tx, {
      channel: officer.channel,
      address: officer.address,
      language: officer.language ?? deps.defaultLanguage,
      officerId: officer.id,
      replies: [
        {
          lines: [
            { key: 'officer.citizenAnswered', params: { trackingNumber: found.trackingNumber, text: reply.text } },
          ],
          options: [{ id: `off.timeline:${found.trackingNumber}`, label: { key: 'officer.option.timeline' } }],
        },
      ],
    }),
  );
  return { type: 'case.citizenReplied', trackingNumber: reply.trackingNumber, forwarded: true };
}

/** A refused complaint operation (closed, not the citizen's) comes back as an event, not an error. */
export async function refusedAs(trackingNumber: string, run: () => Promise<StepEvent>): Promise<StepEvent> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CaseError) return { type: 'complaint.refused', trackingNumber };
    throw error;
  }
}

/** Files a confirmed complaint, unless it looks like one filed within the day: then asks first. */
export async function submitComplaintDraft(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizenId: string,
  draft: ComplaintDraft,
  allowDuplicate: boolean,
  now: Date,
  notifications: Notifications,
  opened: SlaCase[],
): Promise<StepEvent> {
  const submission = {
    citizenId,
    categoryCode: draft.category ?? '',
    description: draft.description ?? '',
    locationText: draft.place?.text ?? null,
    latitude: draft.place?.latitude ?? null,
    longitude: draft.place?.longitude ?? null,
    anonymous: draft.anonymous ?? false,
    photos: draft.photos,
  };
  if (!allowDuplicate) {
    const duplicate = await findDuplicateComplaint(tx, submission, now);
    if (duplicate) return { type: 'complaint.duplicateFound', trackingNumber: duplicate };
  }
  return refusedAs('', async () => {
    const filed = await submitComplaint(tx, deps.city, submission, now);
    const department = deps.city.departments.find((d) => d.code === filed.departmentCode)?.name ?? filed.departmentCode;
    deps.logger.info({ trackingNumber: filed.trackingNumber, category: submission.categoryCode }, 'complaint filed');
    opened.push(...filed.clocks);
    const category = deps.city.complaintCategories.find((c) => c.code === submission.categoryCode);
    notifications.push(
      ...(await notifyDepartment(tx, filed.departmentCode, {
        trackingNumber: filed.trackingNumber,
        title: category?.name.id ?? submission.categoryCode,
      })),
    );
    return {
      type: 'complaint.submitted',
      trackingNumber: filed.trackingNumber,
      deadlineAt: filed.deadlineAt.toISOString(),
      department,
      departmentCode: filed.departmentCode,
    };
  });
}

/** Files a confirmed draft; a refusal (a type no longer online, say) comes back as an event. */
export async function submitDraft(
  deps: InboxDeps,
  tx: Prisma.TransactionClient,
  citizenId: string,
  draft: PermitDraft,
  now: Date,
  notifications: Notifications,
  opened: SlaCase[],
): Promise<StepEvent> {
  try {
    const { id, trackingNumber, deadlineAt } = await submitPermit(
      tx,
      deps.city,
      {
        citizenId,
        typeCode: draft.code,
        applicantName: draft.values.name ?? '',
        nik: draft.values.nik ?? '',
        phone: draft.values.phone ?? '',
        email: draft.values.email || null,
        fields: Object.fromEntries(
          Object.entries(draft.values)
            .filter(([k]) => k.startsWith('field:'))
            .map(([k, v]) => [k.slice('field:'.length), v]),
        ),
      },
      now,
    );
    deps.logger.info({ trackingNumber, type: draft.code }, 'permit application submitted');
    const type = deps.city.permitTypes.find((t) => t.code === draft.code);
    opened.push({ kind: 'permit', id, startedAt: now, deadlineAt, deadlineVersion: 0 });
    notifications.push(
      ...(await notifyDepartment(tx, type?.department ?? '', { trackingNumber, title: type?.name.id ?? draft.code })),
    );
    return { type: 'permit.submitted', trackingNumber, deadlineAt: deadlineAt.toISOString() };
  } catch (error) {
    if (error instanceof CaseError) return { type: 'permit.refused', reason: error.code };
    throw error;
  }
}
