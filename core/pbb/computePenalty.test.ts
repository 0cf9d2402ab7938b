import { describe, expect, it } from 'vitest';
import { computePenalty, monthsLate, type PenaltyRule } from './computePenalty.js';

/** The default city's rule (UU 1/2022): 1% a month, at most 24 months. */
const HKPD: PenaltyRule = { penaltyMonthlyRatePercent: 1, penaltyCapMonths: 24 };

describe('monthsLate', () => {
  it.each([
    { label: 'paid before the due date', due: '2024-08-31', on: '2024-08-15', months: 0 },
    { label: 'paid on the due date', due: '2024-08-31', on: '2024-08-31', months: 0 },
    { label: 'one day late starts a month', due: '2024-08-31', on: '2024-09-01', months: 1 },
    { label: 'a month to the day is still one month', due: '2024-01-15', on: '2024-02-15', months: 1 },
    { label: 'a month and a day starts the second', due: '2024-01-15', on: '2024-02-16', months: 2 },
    // 31 January + 1 month ends on 29 February (2024 is a leap year); 1 March starts month 2.
    { label: 'end of a long month into February', due: '2024-01-31', on: '2024-02-29', months: 1 },
    { label: 'into March after a 31 January due date', due: '2024-01-31', on: '2024-03-01', months: 2 },
    { label: 'across a year end', due: '2025-12-31', on: '2026-01-02', months: 1 },
    // 2024-08-31 to 2026-11-28: (2026-2024) x 12 + (11-8) = 27, day 28 <= 31 adds none.
    { label: 'years late, before the cap', due: '2024-08-31', on: '2026-11-28', months: 27 },
    { label: 'whole years', due: '2023-08-31', on: '2025-08-31', months: 24 },
  ])('$label: $due -> $on = $months', ({ due, on, months }) => {
    expect(monthsLate(due, on)).toBe(months);
  });
});

describe('computePenalty', () => {
  it.each([
    {
      label: 'paid on the due date',
      amount: 636115,
      due: '2024-08-31',
      on: '2024-08-31',
      rule: HKPD,
      months: 0,
      penalty: 0,
    },
    { label: 'not yet due', amount: 636115, due: '2026-12-31', on: '2026-11-28', rule: HKPD, months: 0, penalty: 0 },
    // 636115 x 1% = 6361.15 -> 6361
    {
      label: 'one day late is a whole month',
      amount: 636115,
      due: '2024-08-31',
      on: '2024-09-01',
      rule: HKPD,
      months: 1,
      penalty: 6361,
    },
    // 685816 x 15% = 102872.4 -> 102872
    {
      label: 'fifteen months',
      amount: 685816,
      due: '2025-08-31',
      on: '2026-11-28',
      rule: HKPD,
      months: 15,
      penalty: 102872,
    },
    // 27 months late, capped at 24: 636115 x 24% = 152667.6 -> 152668
    {
      label: 'capped at 24 months',
      amount: 636115,
      due: '2024-08-31',
      on: '2026-11-28',
      rule: HKPD,
      months: 24,
      penalty: 152668,
    },
    // 10 years late is still 24 months: 1000000 x 24% = 240000
    {
      label: 'the cap holds for any delay',
      amount: 1_000_000,
      due: '2016-08-31',
      on: '2026-11-28',
      rule: HKPD,
      months: 24,
      penalty: 240000,
    },
    // 50 x 1% = 0.5 -> 1 (half up); 49 x 1% = 0.49 -> 0
    {
      label: 'half a rupiah rounds up',
      amount: 50,
      due: '2026-01-31',
      on: '2026-02-01',
      rule: HKPD,
      months: 1,
      penalty: 1,
    },
    {
      label: 'less than half rounds down',
      amount: 49,
      due: '2026-01-31',
      on: '2026-02-01',
      rule: HKPD,
      months: 1,
      penalty: 0,
    },
    // 1.5% x 3 = 4.5%: 636115 x 4.5% = 28625.175 -> 28625
    {
      label: 'a fractional rate of 1.5%',
      amount: 636115,
      due: '2026-08-31',
      on: '2026-11-28',
      rule: { penaltyMonthlyRatePercent: 1.5, penaltyCapMonths: 24 },
      months: 3,
      penalty: 28625,
    },
    // 1.5% x 1 of 100 = 1.5 -> 2 (exact in hundredths of a percent, so no 1.4999... rounding down)
    {
      label: '1.5% of 100 is exactly 1.5, rounded up',
      amount: 100,
      due: '2026-10-31',
      on: '2026-11-28',
      rule: { penaltyMonthlyRatePercent: 1.5, penaltyCapMonths: 24 },
      months: 1,
      penalty: 2,
    },
    // 2% x 15 months capped at 15 = 30%: 1000000 x 30% = 300000
    {
      label: 'another city: 2% a month, at most 15 months',
      amount: 1_000_000,
      due: '2024-08-31',
      on: '2026-11-28',
      rule: { penaltyMonthlyRatePercent: 2, penaltyCapMonths: 15 },
      months: 15,
      penalty: 300000,
    },
    {
      label: 'a cap of 0 months means no penalty',
      amount: 1_000_000,
      due: '2024-08-31',
      on: '2026-11-28',
      rule: { penaltyMonthlyRatePercent: 2, penaltyCapMonths: 0 },
      months: 0,
      penalty: 0,
    },
  ])('$label', ({ amount, due, on, rule, months, penalty }) => {
    expect(computePenalty(amount, due, on, rule)).toEqual({ months, amount: penalty });
  });
});
