import { formatDateTime } from '../../domain/calendarDate.js';
import { normalizePhone } from '../../domain/phone.js';
import { initialState } from '../initialState.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import {
  CORRECTABLE_FIELDS,
  type CorrectableField,
  type Line,
  type MyDataSummary,
  type Option,
  type StepContext,
  type StepEvent,
} from '../types.js';
import type { Reading } from '../understanding/readMessage.js';
import { EMAIL, PERSON_NAME } from './permitFlow.js';

/*
 * Personal data (UU PDP, Law 27 of 2022) in the dialogue: the first-contact notice, PRIVASI,
 * DATA SAYA, UBAH DATA, HAPUS DATA SAYA and BERHENTI EMAIL. The executor does the reads and
 * writes (core/privacy/); this file only decides what is said and asked for.
 */

type PrivacyEvent = Extract<
  StepEvent,
  { type: 'privacy.myData' | 'privacy.openCases' | 'privacy.corrected' | 'privacy.erased' }
>;

const FIELD_OPTIONS: Option[] = CORRECTABLE_FIELDS.map((f) => option(`privacy.field:${f}`, `privacy.field.${f}`));
const CANCEL = option('nav.menu', 'privacy.option.cancel');
const ERASE_CHOICES = new Set(['privacy.erase.yes', 'privacy.erase.close', 'privacy.erase.keep']);

/** The one-segment notice at a resident's first message, after its answer; the options on screen stay. */
export function addPrivacyNotice(turn: Turn, ctx: StepContext): Turn {
  turn.do({ type: 'privacy.noticeShown' });
  return turn.aside(message([line('privacy.notice', { controller: ctx.city.privacy.controller.name })]));
}

/** A personal-data request read from a message (PRIVASI, DATA SAYA, ...), from any step. */
export function onPrivacyRequest(turn: Turn, ctx: StepContext, request: NonNullable<Reading['privacy']>): Turn {
  switch (request.intent) {
    case 'notice':
      return turn.go({ name: 'menu' }).say(message(fullNotice(ctx)));
    case 'myData':
      return turn.go({ name: 'menu' }).do({ type: 'query.myData', about: request.about });
    case 'correct':
      return askField(turn);
    case 'erase':
      return turn.do({ type: 'query.openCases' });
    case 'emailOff':
      return turn
        .go({ name: 'menu' })
        .do({ type: 'privacy.emailNotices', on: false })
        .say(message([line('privacy.emailOff')]));
  }
}

/** A button or numbered option of the privacy dialogue; false when the choice is not one of its own. */
export function onPrivacyChoice(turn: Turn, ctx: StepContext, choice: string): boolean {
  if (choice.startsWith('privacy.field:')) {
    const field = choice.slice('privacy.field:'.length) as CorrectableField;
    if (!CORRECTABLE_FIELDS.includes(field)) return false;
    askValue(turn, field);
    return true;
  }
  if (!ERASE_CHOICES.has(choice)) return false;
  // A button of an old erasure question: erasing is only done from the question just asked.
  if (turn.state.flow.name !== 'privacy.erase') {
    turn.do({ type: 'query.openCases' });
    return true;
  }
  turn.do({ type: 'privacy.erase', openCases: choice === 'privacy.erase.keep' ? 'keep' : 'close' });
  void ctx;
  return true;
}

/** Free text at a privacy step (the new value of UBAH DATA, an unclear answer to a question); false when not at one. */
export function onPrivacyText(turn: Turn, ctx: StepContext, reading: Reading): boolean {
  const flow = turn.state.flow;
  if (flow.name === 'privacy.erase') {
    // Erasure cannot be undone: only one of the offered answers does it.
    askErase(turn, ctx, flow.openCases, line('privacy.erase.pickOne'));
    return true;
  }
  if (flow.name !== 'privacy.correct') return false;
  if (!flow.field) {
    askField(turn, line('privacy.correct.pickOne'));
    return true;
  }
  const value = checkValue(flow.field, reading.text);
  if (value === null) {
    askValue(turn, flow.field, line(`privacy.invalid.${flow.field}`));
    return true;
  }
  turn.do({ type: 'privacy.correct', field: flow.field, value });
  return true;
}

/** The executor's answer to a privacy query or write. */
export function onPrivacyEvent(turn: Turn, ctx: StepContext, event: PrivacyEvent): Turn {
  switch (event.type) {
    case 'privacy.myData':
      if (!event.summary) {
        const office = ctx.city.office.shortName ?? ctx.city.office.name;
        return turn.say(message([line(`privacy.myData.refused.${event.refused ?? 'notYours'}`, { office })]));
      }
      return turn.say(message(summaryLines(turn, ctx, event.summary)));
    case 'privacy.openCases':
      return askErase(turn, ctx, event.trackingNumbers);
    case 'privacy.corrected': {
      const lines = [line(`privacy.corrected.${event.field}`)];
      if (event.cases > 0) lines.push(line('privacy.corrected.cases', { count: event.cases }));
      return turn.go({ name: 'menu' }).say(message(lines));
    }
    case 'privacy.erased':
      // Nothing of the old dialogue is kept: the next message starts as a new resident's would.
      turn.state = initialState(turn.state.lang);
      return turn.say(
        message([line('privacy.erased', { closed: event.closedCases.length, kept: event.keptCases.length })]),
      );
  }
}

/** PRIVASI: who holds the data, why, on what basis, for how long, and the resident's rights. */
function fullNotice(ctx: StepContext): Line[] {
  const { controller, officer, retention, noticeUrl } = ctx.city.privacy;
  // By SMS one way to write is enough: the email, else the phone.
  const contact = (c: { email?: string | undefined; phone?: string | undefined }) =>
    (ctx.channel.compact ? [c.email ?? c.phone] : [c.email, c.phone]).filter(Boolean).join(', ') || '-';
  const days = {
    draftDays: retention.draftDays,
    messageIdDays: retention.messageIdDays,
    replyBodyDays: retention.replyBodyDays,
    photoDays: retention.photoDaysAfterClose,
    nikDays: retention.nikDaysAfterClose,
    coordinatesDays: retention.coordinatesDaysAfterClose,
  };
  const style = ctx.channel.compact ? 'short' : 'full';
  const lines = [
    line(`privacy.${style}.controller`, {
      name: controller.name,
      address: controller.address ?? '-',
      contact: contact(controller),
    }),
  ];
  if (officer) lines.push(line(`privacy.${style}.officer`, { name: officer.name, contact: contact(officer) }));
  // By SMS the purposes are told with the basis, in one line.
  const purposes = ctx.channel.compact ? [] : [line('privacy.full.purposes')];
  lines.push(
    line(`privacy.${style}.basis`),
    ...purposes,
    line(`privacy.${style}.retention`, days),
    line(`privacy.${style}.rights`),
  );
  if (noticeUrl) lines.push(line('privacy.more', { url: noticeUrl }));
  return lines;
}

/** DATA SAYA's answer: what is held, masked where it is contact data, and the link to the full copy. */
function summaryLines(turn: Turn, ctx: StepContext, summary: MyDataSummary): Line[] {
  const lang = turn.state.lang;
  const lines = [line('privacy.myData.title')];
  for (const i of summary.identities)
    lines.push(line('privacy.myData.identity', { channel: i.channel, address: i.address }));
  lines.push(
    line('privacy.myData.contact', {
      name: summary.name ?? '-',
      phone: summary.phone ?? '-',
      email: summary.email ?? '-',
    }),
  );
  if (summary.email) lines.push(line(summary.emailNotices ? 'privacy.myData.emailOn' : 'privacy.myData.emailOff'));
  lines.push(line('privacy.myData.cases', { open: summary.openCases.length, closed: summary.closedCases }));
  for (const c of summary.openCases) {
    lines.push(line('privacy.myData.openCase', { trackingNumber: c.trackingNumber, title: c.title[lang] }));
  }
  if (summary.link) {
    const expires = formatDateTime(summary.link.expiresAt, lang, ctx.city.timezone);
    const key = ctx.channel.compact ? 'privacy.myData.linkShort' : 'privacy.myData.link';
    lines.push(line(key, { url: summary.link.url, expires, zone: ctx.city.timezoneLabel }));
  } else {
    lines.push(line('privacy.myData.noLink', { office: ctx.city.office.shortName ?? ctx.city.office.name }));
  }
  return lines;
}

function askField(turn: Turn, error?: Line): Turn {
  const lines = error ? [error, line('privacy.correct.ask')] : [line('privacy.correct.ask')];
  return turn.go({ name: 'privacy.correct' }).say(message(lines, [...FIELD_OPTIONS, CANCEL]));
}

function askValue(turn: Turn, field: CorrectableField, error?: Line): Turn {
  const ask = line(`privacy.correct.askValue.${field}`);
  return turn.go({ name: 'privacy.correct', field }).say(message(error ? [error, ask] : [ask], [CANCEL]));
}

/** The erasure question: what it removes and keeps, and the resident's choice for open cases. */
function askErase(turn: Turn, ctx: StepContext, openCases: string[], error?: Line): Turn {
  const lines: Line[] = error ? [error] : [line('privacy.erase.explain')];
  const options =
    openCases.length === 0
      ? [option('privacy.erase.yes', 'privacy.erase.option.yes')]
      : [
          option('privacy.erase.close', 'privacy.erase.option.close'),
          option('privacy.erase.keep', 'privacy.erase.option.keep'),
        ];
  if (openCases.length > 0) {
    lines.push(line('privacy.erase.openCases', { count: openCases.length, list: openCases.join(', ') }));
  }
  lines.push(line(openCases.length === 0 ? 'privacy.erase.confirm' : 'privacy.erase.choose'));
  void ctx;
  return turn.go({ name: 'privacy.erase', openCases }).say(message(lines, [...options, CANCEL]));
}

/** A corrected value as it is stored, or null when it is not one: a name, an email, a phone number. */
function checkValue(field: CorrectableField, text: string): string | null {
  const value = text.trim();
  switch (field) {
    case 'name':
      return PERSON_NAME.test(value) ? value.replace(/\s+/g, ' ') : null;
    case 'email':
      return EMAIL.test(value) ? value.toLowerCase() : null;
    case 'phone':
      return normalizePhone(value);
  }
}
