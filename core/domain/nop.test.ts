import { describe, expect, it } from 'vitest';
import { formatNop, parseNop, type NopParse } from './nop.js';

const NOP = '127504000300915550';

describe('parseNop', () => {
  it.each<{ label: string; text: string; expected: NopParse }>([
    { label: 'bare digits', text: NOP, expected: { ok: true, nop: NOP } },
    { label: 'as printed on the SPPT', text: '12.75.040.003.009-1555.0', expected: { ok: true, nop: NOP } },
    { label: 'with dashes only', text: '12-75-040-003-009-1555-0', expected: { ok: true, nop: NOP } },
    { label: 'with spaces', text: '12 75 040 003 009 1555 0', expected: { ok: true, nop: NOP } },
    { label: 'with slashes', text: '12/75/040/003/009/1555/0', expected: { ok: true, nop: NOP } },
    { label: 'inside a sentence', text: 'pbb 12.75.040.003.009-1555.0 tolong dicek', expected: { ok: true, nop: NOP } },
    { label: 'followed by a full stop', text: 'NOP saya 12.75.040.003.009-1555.0.', expected: { ok: true, nop: NOP } },
    {
      label: 'next to a shorter number, the longest run wins',
      text: 'NOP 12.75.040.003.009-1555.0, tahun 2024',
      expected: { ok: true, nop: NOP },
    },
    { label: 'followed by a year', text: `${NOP} 2024`, expected: { ok: true, nop: NOP } },
    {
      label: 'in spaced groups, followed by a year',
      text: '12 75 040 003 009 1555 0 2024',
      expected: { ok: true, nop: NOP },
    },
    {
      label: 'as printed, followed by a year',
      text: 'NOP 12.75.040.003.009-1555.0 2024',
      expected: { ok: true, nop: NOP },
    },
    // Only whole groups count: 16 digits and then 3 never make exactly 18.
    {
      label: 'groups that skip past 18',
      text: '1275040003009155 501',
      expected: { ok: false, reason: 'length', digits: 19 },
    },
    { label: '17 digits', text: '12.75.040.003.009-1555', expected: { ok: false, reason: 'length', digits: 17 } },
    { label: '19 digits', text: '1275040003009155501', expected: { ok: false, reason: 'length', digits: 19 } },
    { label: 'a single digit', text: 'nomor 7', expected: { ok: false, reason: 'length', digits: 1 } },
    { label: 'no digits at all', text: 'saya lupa nomornya', expected: { ok: false, reason: 'none' } },
    { label: 'empty', text: '', expected: { ok: false, reason: 'none' } },
  ])('$label', ({ text, expected }) => {
    expect(parseNop(text)).toEqual(expected);
  });
});

describe('formatNop', () => {
  it.each([
    { nop: NOP, written: '12.75.040.003.009-1555.0' },
    { nop: '357801000100200030', written: '35.78.010.001.002-0003.0' },
    // Anything that is not 18 bare digits is shown as it came.
    { nop: '12345', written: '12345' },
    { nop: '12.75.040.003.009-1555.0', written: '12.75.040.003.009-1555.0' },
    { nop: '1275040003009155501', written: '1275040003009155501' },
  ])('$nop -> $written', ({ nop, written }) => {
    expect(formatNop(nop)).toBe(written);
  });

  it('parses back what it writes', () => {
    expect(parseNop(formatNop(NOP))).toEqual({ ok: true, nop: NOP });
  });
});
