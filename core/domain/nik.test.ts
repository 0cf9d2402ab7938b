import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNik, type NikCheck } from './nik.js';

const { cases } = JSON.parse(readFileSync(path.join(import.meta.dirname, 'nik.cases.json'), 'utf8')) as {
  cases: Array<{ label: string; typed: string; expected: NikCheck }>;
};

describe('checkNik', () => {
  it.each(cases)('$label: "$typed"', ({ typed, expected }) => {
    expect(checkNik(typed)).toEqual(expected);
  });

  it('covers every reason and both sexes', () => {
    const seen = new Set(cases.map(({ expected: e }) => (e.ok ? e.sex : e.reason)));
    expect([...seen].sort()).toEqual(['birthDate', 'female', 'length', 'male', 'region', 'serial']);
  });

  it('accepts every province code in use and no other', () => {
    const known = [
      11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74,
      75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
    ];
    for (let code = 0; code <= 99; code++) {
      const nik = `${String(code).padStart(2, '0')}71010501900001`;
      expect(checkNik(nik).ok, nik).toBe(known.includes(code));
    }
  });
});
