import { describe, expect, it } from 'vitest';
import { formatRupiah } from './formatRupiah.js';

describe('formatRupiah', () => {
  it.each([
    { amount: 0, text: 'Rp0' },
    { amount: 999, text: 'Rp999' },
    { amount: 1000, text: 'Rp1.000' },
    { amount: 685816, text: 'Rp685.816' },
    { amount: 2277471, text: 'Rp2.277.471' },
    { amount: 1_250_000_000, text: 'Rp1.250.000.000' },
    // Whole rupiah: fractions are rounded, half up.
    { amount: 152667.6, text: 'Rp152.668' },
    { amount: 102872.4, text: 'Rp102.872' },
    { amount: 1234.5, text: 'Rp1.235' },
  ])('$amount -> $text', ({ amount, text }) => {
    expect(formatRupiah(amount)).toBe(text);
  });
});
