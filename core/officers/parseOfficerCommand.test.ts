import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOfficerCommand, textAfter, type OfficerCommand } from './parseOfficerCommand.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'parseOfficerCommand.cases.json'), 'utf8')) as {
  cases: Array<{ label: string; text: string; choice?: string; expected: OfficerCommand | null }>;
};

describe('parseOfficerCommand', () => {
  it.each(fixture.cases)('$label', ({ text, choice, expected }) => {
    expect(parseOfficerCommand(text, choice)).toEqual(expected);
  });
});

describe('textAfter', () => {
  it.each([
    {
      label: 'the reply after the tracking number',
      rest: 'A12345678 Jalan sudah ditambal',
      n: 1,
      expected: 'Jalan sudah ditambal',
    },
    { label: 'the note after a status word', rest: 'A12345678 tolak  bukan  wilayah', n: 2, expected: 'bukan wilayah' },
    { label: 'nothing after the tracking number', rest: 'A12345678', n: 1, expected: '' },
    { label: 'an empty rest', rest: '', n: 1, expected: '' },
    {
      label: 'lines are joined with one space',
      rest: 'A12345678 baris satu\nbaris dua',
      n: 1,
      expected: 'baris satu baris dua',
    },
  ])('$label', ({ rest, n, expected }) => {
    expect(textAfter(rest, n)).toBe(expected);
  });
});
