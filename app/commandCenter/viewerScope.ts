import type { Officer } from '../../core/generated/prisma/client.js';

/**
 * What an officer may see on the Command Center: officers and supervisors their own
 * department's cases, the Inspectorate and admins every case.
 */
export type ViewerScope = { all: true } | { all: false; departmentCode: string | null };

export function viewerScope(officer: Pick<Officer, 'role' | 'departmentCode'>): ViewerScope {
  return officer.role === 'inspectorate' || officer.role === 'admin'
    ? { all: true }
    : { all: false, departmentCode: officer.departmentCode };
}

/** The departments a scope allows, narrowed by a requested one; null means every department. */
export function departmentsOf(scope: ViewerScope, requested?: string): string[] | null {
  if (scope.all) return requested ? [requested] : null;
  const own = scope.departmentCode ? [scope.departmentCode] : [];
  return requested ? own.filter((code) => code === requested) : own;
}
