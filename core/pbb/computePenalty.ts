/** The city's rule for late PBB payment: a monthly administrative interest with a cap in months. */
export interface PenaltyRule {
  penaltyMonthlyRatePercent: number;
  penaltyCapMonths: number;
}

/**
 * Months of delay after a due date, each started month counted whole (the usual reading of
 * "bagian dari bulan dihitung satu bulan penuh"). Dates are calendar dates `YYYY-MM-DD` in the
 * city's time zone; paying on the due date itself is on time.
 */
export function monthsLate(dueDate: string, onDate: string): number {
  const [dy, dm, dd] = dueDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = onDate.split('-').map(Number) as [number, number, number];
  if (onDate <= dueDate) return 0;
  const whole = (ty - dy) * 12 + (tm - dm);
  return td > dd ? whole + 1 : Math.max(whole, 1);
}

/**
 * The administrative interest on an unpaid SPPT amount, in whole rupiah (rounded half up).
 * @example computePenalty(636115, '2024-08-31', '2026-11-28', { penaltyMonthlyRatePercent: 1, penaltyCapMonths: 24 })
 *   // { months: 24, amount: 152668 }
 */
export function computePenalty(
  amountDue: number,
  dueDate: string,
  onDate: string,
  rule: PenaltyRule,
): { months: number; amount: number } {
  const months = Math.min(monthsLate(dueDate, onDate), rule.penaltyCapMonths);
  // Integer arithmetic in hundredths of a percent keeps 1.5% and similar rates exact.
  const basisPoints = Math.round(rule.penaltyMonthlyRatePercent * 100) * months;
  return { months, amount: Math.floor((amountDue * basisPoints + 5000) / 10000) };
}
