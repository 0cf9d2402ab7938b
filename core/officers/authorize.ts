/** Who may see and act on which case, decided in the core so every channel obeys it. */

export interface OfficerIdentity {
  id: string;
  role: 'officer' | 'supervisor' | 'inspectorate' | 'admin';
  departmentCode: string | null;
}

/** Officers and supervisors see their department's cases; the inspectorate and admins see all. */
export function canSee(officer: OfficerIdentity, caseDepartment: string): boolean {
  if (officer.role === 'inspectorate' || officer.role === 'admin') return true;
  return officer.departmentCode === caseDepartment;
}

/** Only officers and supervisors of the case's department act on it; the inspectorate reads. */
export function canAct(officer: OfficerIdentity, caseDepartment: string): boolean {
  return (officer.role === 'officer' || officer.role === 'supervisor') && officer.departmentCode === caseDepartment;
}

/**
 * Who may close a case in one step (/selesai), each status on the way recorded as its own event:
 * those who may make every one of those steps by hand, the department's officers and supervisors.
 */
export function canWalkToDone(officer: OfficerIdentity, caseDepartment: string): boolean {
  return canAct(officer, caseDepartment);
}
