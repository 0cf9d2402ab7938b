/** The statuses of a permit application in a PTSP (one-stop permit service) and their moves. */

export const PERMIT_STATUSES = ['submitted', 'verified', 'in_process', 'needs_revision', 'done', 'rejected'] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];

/**
 * Allowed moves. needs_revision returns the file to the applicant with what is missing; when
 * they complete it, it is submitted again and verified anew. done and rejected are final.
 */
export const PERMIT_TRANSITIONS: Readonly<Record<PermitStatus, readonly PermitStatus[]>> = {
  submitted: ['verified', 'needs_revision', 'rejected'],
  verified: ['in_process', 'needs_revision', 'rejected'],
  in_process: ['done', 'needs_revision', 'rejected'],
  needs_revision: ['submitted', 'rejected'],
  done: [],
  rejected: [],
};

/** Statuses in which the SLA clock runs; in needs_revision it waits for the applicant. */
export const PERMIT_OPEN_STATUSES: readonly PermitStatus[] = ['submitted', 'verified', 'in_process'];

export function canMovePermit(from: PermitStatus, to: PermitStatus): boolean {
  return PERMIT_TRANSITIONS[from].includes(to);
}

/** Moves that need a note saying why (what is missing, why it was refused). */
export const PERMIT_NOTE_REQUIRED: readonly PermitStatus[] = ['needs_revision', 'rejected'];
