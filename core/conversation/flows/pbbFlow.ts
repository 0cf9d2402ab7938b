import { formatDate, localDate } from '../../domain/calendarDate.js';
import { formatNop, NOP_DIGIT_RUNS, parseNop } from '../../domain/nop.js';
import { formatRupiah } from '../../domain/formatRupiah.js';
import { inRegion, regionOf } from '../../domain/region.js';
import { maskName } from '../../domain/mask.js';
import { computePenalty } from '../../pbb/computePenalty.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { Lang, Line, Option, StepContext, TaxObjectView } from '../types.js';
import type { Reading } from '../understanding/readMessage.js';
import { coveredBy } from '../understanding/matchWords.js';
import { wordsOf } from '../understanding/readMessage.js';

const AGAIN = option('pbb.again', 'pbb.option.again');
const MENU = option('nav.menu', 'nav.option.menu');
/** On a compact channel, more unpaid years than this are summed up, the detail offered on request. */
const COMPACT_YEARS = 3;

/** Opens the PBB lookup: asks for the NOP. */
export function startPbb(turn: Turn, ctx: StepContext): Turn {
  return turn.go({ name: 'pbb.askNop' }).say(message([askNopLine(ctx)]));
}

/** The question for a NOP, with the city's own example NOP when its data has one. */
export function askNopLine(ctx: StepContext, again = false): Line {
  const key = again ? 'pbb.askNopAgain' : 'pbb.askNop';
  const example = ctx.city.pbb.exampleNop;
  return example ? line(key, { example }) : line(again ? 'pbb.askNopAgainPlain' : 'pbb.askNopPlain');
}

/** Looks up a NOP; `detail` shows every year even where the channel is compact. */
export function lookUpNop(turn: Turn, nop: string, detail = false): Turn {
  return turn.go({ name: 'pbb.lookingUp', nop, ...(detail ? { detail } : {}) }).do({ type: 'query.pbb', nop });
}

/**
 * Handles text that should hold a NOP: looks up a complete one, and says what is wrong with a
 * number of the wrong length. False when the text is something else ("CEK P4347...", "menu",
 * "lampu jalan mati"), so the caller can read it as that.
 */
export function onNopText(turn: Turn, reading: Reading, ctx: StepContext): boolean {
  const parsed = parseNop(reading.text);
  if (parsed.ok) return (lookUpNop(turn, parsed.nop), true);
  if (parsed.reason === 'none') return false;
  // Digits with only PBB words around them ("nop 12.75.040") are a NOP typed wrong; digits in a
  // sentence about something else are not.
  const rest = reading.text.replace(NOP_DIGIT_RUNS, ' ');
  const words = wordsOf(rest, ctx.words);
  if (words.length > 0 && !coveredBy(words, ctx.words.taskWords.pbb, ctx.words)) return false;
  turn.go({ name: 'pbb.askNop' }).say(message([line('pbb.wrongLength', { digits: parsed.digits })]));
  return true;
}

/** Who handles PBB, named when a NOP is not found: from the departments' data. */
function notFoundLine(nop: string, ctx: StepContext, lang: Lang): Line {
  const department = ctx.city.departments.find((d) => d.handles.includes('pbb'));
  const name = department?.names[lang] ?? ctx.city.office.name;
  const phone = department?.phone ?? ctx.city.office.phone;
  return line('pbb.notFound', { nop: formatNop(nop), department: name, phone });
}

/**
 * Shows the bills of a looked-up NOP, or says it is unknown and who to ask. The status and the
 * total come before the detail; on a compact channel many unpaid years are summed up and the
 * year-by-year detail is offered.
 */
export function onPbbResult(turn: Turn, nop: string, taxObject: TaxObjectView | null, ctx: StepContext): Turn {
  const flow = turn.state.flow;
  const detail = flow.name === 'pbb.lookingUp' && flow.detail === true;
  turn.go({ name: 'pbb.askNop' });
  if (!taxObject) {
    // Another region's NOP is not "not found": its bill is with that region's office.
    const elsewhere = !inRegion(nop, ctx.city.pbb.nopRegions);
    const said = elsewhere
      ? line('pbb.otherRegion', { nop: formatNop(nop), region: regionOf(nop), city: ctx.city.name })
      : notFoundLine(nop, ctx, turn.state.lang);
    return turn.say(message([said], [AGAIN, MENU]));
  }

  const lang = turn.state.lang;
  const today = localDate(ctx.now, ctx.city.timezone);
  // On a compact channel every line is short; the year-by-year detail comes when asked for.
  const short = ctx.channel.compact === true;
  const bills = [...taxObject.bills].sort((a, b) => a.year - b.year);
  const perYear: Line[] = [];
  const unpaid: Array<{ year: number; total: number }> = [];
  let penalties = 0;
  for (const bill of bills) {
    const base = { year: bill.year, amount: formatRupiah(bill.amountDue), due: formatDate(bill.dueDate, lang) };
    if (bill.paidAt) {
      perYear.push(
        line(short ? 'pbb.billShort.paid' : 'pbb.bill.paid', { ...base, paidAt: formatDate(bill.paidAt, lang) }),
      );
      continue;
    }
    const penalty = computePenalty(bill.amountDue, bill.dueDate, today, ctx.city.pbb);
    penalties += penalty.amount;
    unpaid.push({ year: bill.year, total: bill.amountDue + penalty.amount });
    const overdue = {
      ...base,
      months: penalty.months,
      rate: ctx.city.pbb.penaltyMonthlyRatePercent,
      penalty: formatRupiah(penalty.amount),
      total: formatRupiah(bill.amountDue + penalty.amount),
    };
    if (penalty.months === 0) perYear.push(line(short ? 'pbb.billShort.unpaid' : 'pbb.bill.unpaid', base));
    else perYear.push(line(short ? 'pbb.billShort.overdue' : 'pbb.bill.overdue', overdue));
  }
  const outstanding = unpaid.reduce((sum, u) => sum + u.total, 0);
  const summary = short && !detail;
  const params = { nop: formatNop(taxObject.nop), name: maskName(taxObject.taxpayerName), address: taxObject.address };
  const lines: Line[] = [line(summary ? 'pbb.headerShort' : short ? 'pbb.headerDetail' : 'pbb.header', params)];
  const options: Option[] = [AGAIN, MENU];
  if (outstanding === 0) {
    lines.push(...(summary ? [] : perYear), line('pbb.allPaid'));
  } else {
    const total = line(penalties > 0 ? 'pbb.outstandingPenalty' : 'pbb.outstanding', {
      total: formatRupiah(outstanding),
    });
    if (summary) {
      const list = unpaid
        .slice(-COMPACT_YEARS)
        .map((u) => `${u.year} ${formatRupiah(u.total)}`)
        .join(', ');
      lines.push(line('pbb.unpaidYears', { list: unpaid.length > COMPACT_YEARS ? `${list}, ...` : list }), total);
      options.unshift(option(`pbb.detail:${taxObject.nop}`, 'pbb.option.detail'));
    } else {
      lines.push(total, ...perYear);
    }
    const payment = ctx.city.pbb.payment?.[lang];
    if (payment) lines.push(line('pbb.payment', { how: payment }));
  }
  return turn.say(message(lines, options));
}
