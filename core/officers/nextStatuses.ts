import { CASE_KIND, type CaseKind } from '../cases/caseKinds.js';
import type { Line, Option } from '../conversation/types.js';

/** The statuses an officer moves a case to by command; `submitted` is the applicant's own move. */
const OFFICER_MOVES = new Set([
  'verified',
  'in_process',
  'needs_revision',
  'dispositioned',
  'done',
  'rejected',
  'not_authority',
]);

/** Where an officer may move a case of `kind` from `status`, in the lifecycle's order. */
export function officerMoves(kind: CaseKind, status: string): string[] {
  return (CASE_KIND[kind].transitions[status] ?? []).filter((s) => OFFICER_MOVES.has(s));
}

/** Moves that need a reason typed with them, so no button can make them. */
export function needsNote(kind: CaseKind, status: string): boolean {
  return CASE_KIND[kind].noteRequired.includes(status);
}

/**
 * What an officer is told a case can become next: each status in words with the command that
 * makes it (read on any channel, SMS too), and a button for each move that needs no reason.
 * @example nextStatuses({ kind: 'complaint', status: 'waiting', trackingNumber: 'A1' }).options
 * // [{ id: 'off.status:A1:verified', label: { key: 'status.complaint.verified' } }]
 */
export function nextStatuses(c: { kind: CaseKind; status: string; trackingNumber: string }): {
  lines: Line[];
  options: Option[];
} {
  const next = officerMoves(c.kind, c.status);
  const params = { kind: c.kind, status: c.status, trackingNumber: c.trackingNumber };
  if (next.length === 0) return { lines: [{ key: 'officer.nextStatusesNone', params }], options: [] };
  return {
    lines: [
      { key: 'officer.nextStatuses', params },
      ...next.map((status) => ({ key: 'officer.nextStatus', params: { ...params, status } })),
    ],
    options: next
      .filter((status) => !needsNote(c.kind, status))
      .map((status) => ({
        id: status === 'done' ? `off.done:${c.trackingNumber}` : `off.status:${c.trackingNumber}:${status}`,
        label: { key: `status.${c.kind}.${status}` },
      })),
  };
}
