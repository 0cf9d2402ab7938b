import { formatDateTime } from '../../domain/calendarDate.js';
import { findTrackingNumber, parseTrackingNumber } from '../../domain/trackingNumber.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { CaseSummary, CaseView, Line, Option, StepContext } from '../types.js';
import type { Reading } from '../understanding/readMessage.js';
import { storableText } from '../../domain/storableText.js';

const NAV_MENU = option('nav.menu', 'nav.option.menu');
const MAX_LISTED = 5;

/** "Cek status" from the menu: the citizen's own cases first, then a typed number. */
export function startTrack(turn: Turn): Turn {
  return turn.go({ name: 'track.lookingUp' }).do({ type: 'query.myCases' });
}

export function onMyCases(turn: Turn, cases: CaseSummary[]): Turn {
  const lang = turn.state.lang;
  const lines: Line[] = [];
  if (cases.length > 0) {
    lines.push(line('track.mine.title'));
    for (const c of cases.slice(0, MAX_LISTED)) {
      lines.push(
        line('track.mine.item', {
          trackingNumber: c.trackingNumber,
          title: c.title[lang],
          kind: c.kind,
          status: c.status,
        }),
      );
    }
  }
  lines.push(line('track.ask'));
  const options = cases
    .slice(0, MAX_LISTED)
    .map((c) => option(`track.this:${c.trackingNumber}`, 'track.option.number', { trackingNumber: c.trackingNumber }));
  return turn.go({ name: 'track.ask' }).say(message(lines, [...options, NAV_MENU]));
}

/**
 * Reads a tracking number from text ("cek P4827 1635"). True when there was something
 * number-like to act on; a wrong check digit is refused here, before any lookup.
 */
export function onTrackText(turn: Turn, reading: Reading): boolean {
  const candidate = reading.trackingNumber ?? findTrackingNumber(reading.text);
  if (!candidate) return false;
  lookUp(turn, candidate);
  return true;
}

/** Looks up a typed or chosen tracking number; `history` shows the whole timeline on any channel. */
export function lookUp(turn: Turn, typed: string, history = false): Turn {
  const parsed = parseTrackingNumber(typed);
  if (!parsed.ok) {
    const key = parsed.reason === 'check' ? 'track.invalidCheck' : 'track.invalidShape';
    return turn
      .go({ name: 'track.ask' })
      .say(message([line(key, { typed: storableText(typed.trim(), 20) })], [NAV_MENU]));
  }
  return turn
    .go({ name: 'track.lookingUp', ...(history ? { history } : {}) })
    .do({ type: 'query.case', trackingNumber: parsed.trackingNumber });
}

function durationLine(key: 'track.left' | 'track.overdue', ms: number): Line {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return days > 0 ? line(`${key}.days`, { days, hours }) : line(`${key}.hours`, { hours, minutes: minutes % 60 });
}

/**
 * Shows a looked-up case: everything to its owner, only its status to anyone else. Its status
 * and clock come first; on a compact channel the history is offered rather than sent.
 */
export function onCaseResult(turn: Turn, ctx: StepContext, trackingNumber: string, view: CaseView | null): Turn {
  const flow = turn.state.flow;
  const history = flow.name === 'track.lookingUp' && flow.history === true;
  turn.go({ name: 'track.ask' });
  if (!view) return turn.say(message([line('track.notFound', { trackingNumber })], [NAV_MENU]));
  const lang = turn.state.lang;
  const zone = ctx.city.timezone;
  const at = (iso: string) => `${formatDateTime(iso, lang, zone)}`;
  const status = { kind: view.kind, status: view.status };
  const lines: Line[] = [
    line('track.header', { trackingNumber: view.trackingNumber, title: view.title[lang] }),
    line('track.status', status),
  ];
  const d = view.details;
  if (!view.isOwner || !d) {
    lines.push(line('track.othersOnly'));
    return turn.say(message(lines, [NAV_MENU]));
  }
  if (d.closedAt) lines.push(line('track.closed', { at: at(d.closedAt) }));
  else {
    // A complaint's verification and first response first, each met or due, then the resolution.
    for (const k of d.clocks ?? []) {
      const deadline = `${at(k.deadlineAt)} ${ctx.city.timezoneLabel}`;
      if (k.doneAt) lines.push(line('track.clockDone', { clock: k.clock, at: at(k.doneAt) }));
      else if (Date.parse(k.deadlineAt) <= ctx.now.getTime())
        lines.push(line('track.clockLate', { clock: k.clock, deadline }));
      else lines.push(line('sla.clockDeadline', { clock: k.clock, deadline }));
    }
    lines.push(line('track.deadline', { deadline: `${at(d.deadlineAt)} ${ctx.city.timezoneLabel}` }));
    if (d.paused) lines.push(line('track.paused'));
    else {
      const left = Date.parse(d.deadlineAt) - ctx.now.getTime();
      lines.push(durationLine(left >= 0 ? 'track.left' : 'track.overdue', left));
    }
  }
  const compact = ctx.channel.compact === true && !history;
  if (!compact) {
    lines.push(line('track.department', { department: d.department }));
    if (d.officer) lines.push(line('track.officer', { officer: d.officer }));
    lines.push(line('track.timeline'));
    for (const e of d.events) {
      const params = { at: at(e.at), kind: view.kind, status: e.status };
      lines.push(e.note ? line('track.eventNote', { ...params, note: e.note }) : line('track.event', params));
    }
  }
  const options: Option[] = [];
  if (view.actions?.includes('addInfo'))
    options.push(option(`complaint.more:${view.trackingNumber}`, 'complaint.option.more'));
  if (view.actions?.includes('rate'))
    options.push(option(`complaint.rate:${view.trackingNumber}`, 'complaint.option.rate'));
  if (compact && d.events.length > 0)
    options.push(option(`track.history:${view.trackingNumber}`, 'track.option.history'));
  return turn.say(message(lines, [...options, NAV_MENU]));
}
