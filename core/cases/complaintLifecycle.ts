/**
 * The statuses of a complaint (pengaduan) as in SP4N-LAPOR! and Jakarta's CRM, and their moves.
 * Forwarding to another department is a move to `dispositioned` with the new department.
 */

export const COMPLAINT_STATUSES = [
  'waiting',
  'verified',
  'dispositioned',
  'in_process',
  'done',
  'rejected',
  'not_authority',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = {
  waiting: ['verified', 'rejected', 'not_authority'],
  verified: ['dispositioned', 'in_process', 'rejected', 'not_authority'],
  dispositioned: ['in_process', 'dispositioned', 'rejected', 'not_authority'],
  in_process: ['done', 'dispositioned', 'rejected'],
  // A low rating reopens a finished complaint for the supervisor's review.
  done: ['in_process'],
  rejected: [],
  not_authority: [],
};

/** Statuses in which a complaint is open: it can take more information and its SLA runs. */
export const COMPLAINT_OPEN_STATUSES: readonly ComplaintStatus[] = [
  'waiting',
  'verified',
  'dispositioned',
  'in_process',
];

/** Moves that need a reason. */
export const COMPLAINT_NOTE_REQUIRED: readonly ComplaintStatus[] = ['rejected', 'not_authority', 'dispositioned'];

export function canMoveComplaint(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return COMPLAINT_TRANSITIONS[from].includes(to);
}
