import { describe, expect, it } from 'vitest';
import { departmentsOf, viewerScope } from './viewerScope.js';

describe('what an officer may see', () => {
  it.each([
    { role: 'officer', departmentCode: 'PUPR', requested: undefined, expected: ['PUPR'] },
    { role: 'supervisor', departmentCode: 'PUPR', requested: undefined, expected: ['PUPR'] },
    { role: 'officer', departmentCode: 'PUPR', requested: 'PUPR', expected: ['PUPR'] },
    { role: 'supervisor', departmentCode: 'PUPR', requested: 'DLH', expected: [] },
    { role: 'officer', departmentCode: null, requested: undefined, expected: [] },
    { role: 'inspectorate', departmentCode: 'INSPEKTORAT', requested: undefined, expected: null },
    { role: 'admin', departmentCode: null, requested: undefined, expected: null },
    { role: 'admin', departmentCode: null, requested: 'DLH', expected: ['DLH'] },
  ] as const)(
    '$role of $departmentCode asking for $requested sees $expected',
    ({ role, departmentCode, requested, expected }) => {
      expect(departmentsOf(viewerScope({ role, departmentCode }), requested)).toEqual(expected);
    },
  );
});
