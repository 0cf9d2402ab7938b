import { formatDate, localDate } from '../../domain/calendarDate.js';
import { formatNop, parseNop } from '../../domain/nop.js';
import { formatRupiah } from '../../domain/formatRupiah.js';
import { maskName } from '../../domain/mask.js';
import { computePenalty } from '../../pbb/computePenalty.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { Line, StepContext, TaxObjectView } from '../types.js';

const AFTER_LOOKUP = [option('pbb.again', 'pbb.option.again'), option('nav.menu', 'nav.option.menu')];

/** Opens the PBB lookup: asks for the NOP. */
export function startPbb(turn: Turn): Turn {
  return turn.go({ name: 'pbb.askNop' }).say(message([line('pbb.askNop')]));
}

/**
 * Handles text that should hold a NOP. Returns false when there are no digits at all, so the
 * caller can try to read it as something else ("menu", "izin").
 */
export function onNopText(turn: Turn, text: string): boolean {
  const parsed = parseNop(text);
  if (parsed.ok) {
    turn.go({ name: 'pbb.lookingUp', nop: parsed.nop }).do({ type: 'query.pbb', nop: parsed.nop });
    return true;
  }
  if (parsed.reason === 'none') return false;
  turn.go({ name: 'pbb.askNop' }).say(message([line('pbb.wrongLength', { digits: parsed.digits })]));
  return true;
}

/** Shows the bills of a looked-up NOP, or says it is unknown. */
export function onPbbResult(turn: Turn, nop: string, taxObject: TaxObjectView | null, ctx: StepContext): Turn {
  turn.go({ name: 'pbb.askNop' });
  if (!taxObject) return turn.say(message([line('pbb.notFound', { nop: formatNop(nop) })], AFTER_LOOKUP));

  const lang = turn.state.lang;
  const today = localDate(ctx.now, ctx.city.timezone);
  const lines: Line[] = [
    line('pbb.header', {
      nop: formatNop(taxObject.nop),
      name: maskName(taxObject.taxpayerName),
      address: taxObject.address,
    }),
  ];
  let outstanding = 0;
  for (const bill of [...taxObject.bills].sort((a, b) => a.year - b.year)) {
    const base = { year: bill.year, amount: formatRupiah(bill.amountDue), due: formatDate(bill.dueDate, lang) };
    if (bill.paidAt) {
      lines.push(line('pbb.bill.paid', { ...base, paidAt: formatDate(bill.paidAt, lang) }));
      continue;
    }
    const penalty = computePenalty(bill.amountDue, bill.dueDate, today, ctx.city.pbb);
    outstanding += bill.amountDue + penalty.amount;
    if (penalty.months === 0) {
      lines.push(line('pbb.bill.unpaid', base));
    } else {
      lines.push(
        line('pbb.bill.overdue', {
          ...base,
          months: penalty.months,
          rate: ctx.city.pbb.penaltyMonthlyRatePercent,
          penalty: formatRupiah(penalty.amount),
          total: formatRupiah(bill.amountDue + penalty.amount),
        }),
      );
    }
  }
  lines.push(outstanding > 0 ? line('pbb.outstanding', { total: formatRupiah(outstanding) }) : line('pbb.allPaid'));
  return turn.say(message(lines, AFTER_LOOKUP));
}
