import { describe, expect, it } from 'vitest';
import { canAct, canSee, type OfficerIdentity } from './authorize.js';

const officer = (role: OfficerIdentity['role'], departmentCode: string | null): OfficerIdentity => ({
  id: '6f1c2a9e-0000-4000-8000-000000000001',
  role,
  departmentCode,
});

// Who sees and who acts on a PUPR case (a street light, say).
describe.each([
  { label: 'an officer of the department', who: officer('officer', 'PUPR'), see: true, act: true },
  { label: 'a supervisor of the department', who: officer('supervisor', 'PUPR'), see: true, act: true },
  { label: 'an officer of another department', who: officer('officer', 'DLH'), see: false, act: false },
  { label: 'a supervisor of another department', who: officer('supervisor', 'DLH'), see: false, act: false },
  { label: 'an officer without a department', who: officer('officer', null), see: false, act: false },
  { label: 'a supervisor without a department', who: officer('supervisor', null), see: false, act: false },
  { label: 'the inspectorate', who: officer('inspectorate', 'INSPEKTORAT'), see: true, act: false },
  { label: 'the inspectorate without a department', who: officer('inspectorate', null), see: true, act: false },
  // An inspector filed under the case's department still only reads.
  { label: 'the inspectorate filed under the department', who: officer('inspectorate', 'PUPR'), see: true, act: false },
  { label: 'an admin', who: officer('admin', null), see: true, act: false },
  { label: 'an admin filed under the department', who: officer('admin', 'PUPR'), see: true, act: false },
])('a PUPR case and $label', ({ who, see, act }) => {
  it(`${see ? 'sees' : 'does not see'} it`, () => {
    expect(canSee(who, 'PUPR')).toBe(see);
  });
  it(`${act ? 'acts' : 'does not act'} on it`, () => {
    expect(canAct(who, 'PUPR')).toBe(act);
  });
});

describe('authorisation follows the case department exactly', () => {
  it.each([
    { label: 'another letter case', caseDepartment: 'pupr' },
    { label: 'an empty department', caseDepartment: '' },
    { label: 'a longer code', caseDepartment: 'PUPR-2' },
  ])('$label is not the officer department', ({ caseDepartment }) => {
    expect(canSee(officer('officer', 'PUPR'), caseDepartment)).toBe(false);
    expect(canAct(officer('officer', 'PUPR'), caseDepartment)).toBe(false);
  });

  it('acting always implies seeing', () => {
    const roles = ['officer', 'supervisor', 'inspectorate', 'admin'] as const;
    for (const role of roles) {
      for (const department of ['PUPR', 'DLH', null]) {
        for (const caseDepartment of ['PUPR', 'DLH', 'DINKES']) {
          const who = officer(role, department);
          if (canAct(who, caseDepartment)) expect(canSee(who, caseDepartment)).toBe(true);
        }
      }
    }
  });
});
