import type { PermitTypeData } from '../../city/loadCityData.js';
import { formatDateTime } from '../../domain/calendarDate.js';
import { maskNik } from '../../domain/mask.js';
import { checkNik } from '../../domain/nik.js';
import { inRegion, regionOf } from '../../domain/region.js';
import { normalizePhone } from '../../domain/phone.js';
import { parkedOf, takeParked, unpark } from '../parking.js';
import { showMenu } from './menuFlow.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { Line, MediaRef, Option, PermitDraft, StepContext } from '../types.js';
import { readComplaint } from '../understanding/readComplaint.js';
import { saysOneOf, type Reading } from '../understanding/readMessage.js';
import { closestPermits, searchPermits } from '../understanding/searchPermits.js';
import { storableText } from '../../domain/storableText.js';

const PAGE_SIZE = 7;
/** An SMS holds five short names and the two ways on in one part. */
const COMPACT_PAGE_SIZE = 5;
const NAV_MENU = option('nav.menu', 'nav.option.menu');
/** An email as the permit form (and UBAH DATA) checks it: something, an @, a domain with a dot. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
/** A person's name as the permit form (and UBAH DATA) checks it: letters, 3 to 100 characters. */
export const PERSON_NAME = /^[\p{L}][\p{L} .,'-]{1,98}[\p{L}.]$/u;
// An SMS shows the last four digits of a NIK behind a few stars, not twelve of them.
const COMPACT_NIK_MASK = '****';

function typeOf(ctx: StepContext, code: string): PermitTypeData | undefined {
  return ctx.city.permitTypes.find((t) => t.code === code);
}

function typeName(type: PermitTypeData, lang: 'id' | 'en'): string {
  return `${type.name[lang]} (${type.code})`;
}

/** The name a list or a short message uses: the short name on a compact channel. */
function nameFor(type: PermitTypeData, ctx: StepContext, lang: 'id' | 'en'): string {
  return ctx.channel.compact && type.shortName ? type.shortName[lang] : typeName(type, lang);
}

/** Opens the catalogue: the list, or straight to what the words name ("izin praktik bidan"). */
export function startPermit(turn: Turn, ctx: StepContext, query = ''): Turn {
  const all = catalogueOrder(ctx);
  if (!query) return showPage(turn, ctx, all, 0);
  const { found, words } = searchPermits(ctx.city.permitTypes, query, ctx.words);
  if (found.length === 1) return showDetail(turn, ctx, found[0]!.code, all);
  if (found.length > 1) {
    return showPage(
      turn,
      ctx,
      found.map((t) => t.code),
      0,
      line('permit.browse.found', { count: found.length }),
    );
  }
  if (words.length === 0) return showPage(turn, ctx, all, 0);
  return showClosest(turn, ctx, query, words);
}

/** A search that found nothing: the nearest few names, not the whole catalogue. */
function showClosest(turn: Turn, ctx: StepContext, query: string, words: string[]): Turn {
  const closest = closestPermits(ctx.city.permitTypes, words).map((t) => t.code);
  const note = line('permit.browse.closest', { query: storableText(query.trim(), 40) });
  return showPage(turn, ctx, closest.length > 0 ? closest : catalogueOrder(ctx), 0, note);
}

/** Types fileable by chat first, then those filed in person, each in the catalogue's order. */
function catalogueOrder(ctx: StepContext): string[] {
  const types = ctx.city.permitTypes;
  return [...types.filter((t) => t.online), ...types.filter((t) => !t.online)].map((t) => t.code);
}

/** A few of the city's own permits, as examples of what may be typed. */
function examples(ctx: StepContext, lang: 'id' | 'en'): string {
  return ctx.city.permitTypes
    .filter((t) => t.online)
    .slice(0, 2)
    .map((t) => t.shortName?.[lang] ?? t.code)
    .join(', ');
}

function showPage(turn: Turn, ctx: StepContext, codes: string[], page: number, first?: Line): Turn {
  const size = ctx.channel.compact ? COMPACT_PAGE_SIZE : PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(codes.length / size));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const lang = turn.state.lang;
  const options: Option[] = codes.slice(current * size, (current + 1) * size).map((code) => {
    const type = typeOf(ctx, code)!;
    return option(`permit.type:${code}`, type.online ? 'permit.typeLabel' : 'permit.typeLabelOffline', {
      name: nameFor(type, ctx, lang),
    });
  });
  if (current + 1 < pages) options.push(option('permit.next', 'permit.option.next'));
  options.push(NAV_MENU);
  const lines = [
    ctx.channel.compact
      ? line('permit.browse.titleShort', { page: current + 1, pages })
      : line('permit.browse.title', { page: current + 1, pages, examples: examples(ctx, lang) }),
  ];
  if (first) lines.unshift(first);
  return turn.go({ name: 'permit.browse', page: current, codes }).say(message(lines, options));
}

function showDetail(turn: Turn, ctx: StepContext, code: string, codes: string[]): Turn {
  const type = typeOf(ctx, code);
  if (!type) return showPage(turn, ctx, codes, 0);
  const lang = turn.state.lang;
  const compact = ctx.channel.compact === true;
  const lines = [
    line('permit.detail.header', { name: nameFor(type, ctx, lang) }),
    line(compact ? 'permit.detail.requirementsShort' : 'permit.detail.requirements', {
      list: type.requirements.map((r) => r[lang]).join(', '),
    }),
    ...(type.residentsOnly ? [line('permit.detail.residentsOnly', residency(ctx))] : []),
    type.slaHours !== undefined
      ? line('permit.detail.slaHours', { hours: type.slaHours })
      : line('permit.detail.slaWorkingDays', { days: type.slaWorkingDays ?? 0 }),
  ];
  const { office } = ctx.city;
  const options = [option('permit.list', 'permit.option.list'), NAV_MENU];
  if (type.online) {
    // On a compact channel the "Ajukan sekarang" option says it.
    if (!compact) lines.push(line('permit.detail.online'));
    options.unshift(option(`permit.apply:${code}`, 'permit.option.apply'));
  } else if (compact) {
    lines.push(line('permit.detail.offlineShort', { office: office.shortName ?? office.name }));
  } else {
    lines.push(
      line('permit.detail.offline', { office: office.name, address: office.address, hours: office.hours[lang] }),
    );
  }
  return turn.go({ name: 'permit.detail', code, codes }).say(message(lines, options));
}

/** The city's residents as a text says them: the city's name and its NIK region codes (`12.71`). */
function residency(ctx: StepContext): { city: string; regions: string } {
  const codes = ctx.city.residency?.nikRegions ?? [];
  return { city: ctx.city.name, regions: codes.map((c) => regionOf(c, c.length === 6 ? 6 : 4)).join(', ') };
}

/**
 * A residents-only permit wants a NIK of the city's regions (checked at load that the city names
 * them); null when the NIK may apply, else the answer that says why not and what to do.
 */
function notResident(type: PermitTypeData, ctx: StepContext, nik: string, lang: 'id' | 'en'): Line | null {
  const regions = ctx.city.residency?.nikRegions;
  if (!type.residentsOnly || inRegion(nik, regions)) return null;
  const digits = regions?.some((c) => c.length === 6) ? 6 : 4;
  return line('permit.invalid.nikResident', {
    ...residency(ctx),
    name: nameFor(type, ctx, lang),
    region: regionOf(nik, digits),
  });
}

/** The form's steps for a type on this channel, in order. */
export function formSteps(type: PermitTypeData, ctx: StepContext): string[] {
  return [
    'name',
    'nik',
    'phone',
    'email',
    ...type.fields.map((f) => `field:${f.key}`),
    ...(ctx.channel.media ? ['documents'] : []),
  ];
}

function nextStep(draft: PermitDraft, ctx: StepContext): string | null {
  const type = typeOf(ctx, draft.code);
  if (!type) return null;
  return formSteps(type, ctx).find((s) => draft.values[s] === undefined) ?? null;
}

function askStep(turn: Turn, ctx: StepContext, draft: PermitDraft, at: string, editing: boolean, error?: Line): Turn {
  const type = typeOf(ctx, draft.code)!;
  const lang = turn.state.lang;
  let prompt: Line;
  if (at.startsWith('field:')) {
    const field = type.fields.find((f) => `field:${f.key}` === at)!;
    prompt = line('permit.ask.field', { label: field.label[lang] });
  } else if (at === 'documents') {
    prompt = line('permit.ask.documents', { list: type.requirements.map((r) => r[lang]).join(', ') });
  } else {
    prompt = line(`permit.ask.${at}`);
  }
  turn.go({ name: 'permit.form', draft, at, editing });
  return turn.say(message(error ? [error, prompt] : [prompt]));
}

/** Moves to the next unanswered step, or to the summary when all are answered. */
function advance(turn: Turn, ctx: StepContext, draft: PermitDraft, editing: boolean): Turn {
  const next = editing ? null : nextStep(draft, ctx);
  return next ? askStep(turn, ctx, draft, next, false) : showSummary(turn, ctx, draft);
}

/** Starts an application of a type; SMS and WhatsApp numbers are known already. */
function startForm(turn: Turn, ctx: StepContext, code: string): Turn {
  const parked = parkedOf(turn.state).permit;
  // The same type again: carry on with what was typed before rather than start over.
  if (parked && parked.draft.code === code) return resumeParked(turn, ctx);
  const values: Record<string, string> = {};
  if (ctx.citizenPhone) values.phone = ctx.citizenPhone;
  unpark(turn, 'permit');
  return advance(turn, ctx, { code, values, documents: 0 }, false);
}

/** Words that are no answer to a question asking for a name or a detail: "ok", "makasih". */
function notAnAnswer(reading: Reading): boolean {
  return reading.smallTalk !== null;
}

/**
 * A message that names another service instead of answering: only that service's words at a
 * free-text step ("cek status" as a business name is not one), or opening with them where the
 * answer is a number or an address ("pbb 1275..." at the NIK step).
 */
function leavesForm(reading: Reading, at: string): boolean {
  if (reading.onlyService) return true;
  const structured = at === 'nik' || at === 'phone' || at === 'email' || at === 'documents';
  return structured && reading.leadingService;
}

/** Reads one answer of the form; a wrong one is asked again with what is wrong. */
function onFormText(
  turn: Turn,
  ctx: StepContext,
  draft: PermitDraft,
  at: string,
  editing: boolean,
  reading: Reading,
): Turn {
  const value = reading.text;
  const type = typeOf(ctx, draft.code)!;
  const words = ctx.words;
  const set = (v: string) => advance(turn, ctx, { ...draft, values: { ...draft.values, [at]: v } }, editing);
  const retry = (error: Line) => askStep(turn, ctx, draft, at, editing, error);

  switch (at) {
    case 'name':
      if (notAnAnswer(reading)) return retry(line('permit.invalid.notAnswer'));
      return PERSON_NAME.test(value) ? set(value.replace(/\s+/g, ' ')) : retry(line('permit.invalid.name'));
    case 'nik': {
      const nik = checkNik(value);
      if (nik.ok) {
        // Not a resident: the draft stays as it was, another NIK or MENU from here.
        const refused = notResident(type, ctx, nik.nik, turn.state.lang);
        return refused ? retry(refused) : set(nik.nik);
      }
      if (nik.reason === 'length') return retry(line('permit.invalid.nikLength', { digits: nik.digits }));
      return retry(line(`permit.invalid.nik${nik.reason[0]!.toUpperCase()}${nik.reason.slice(1)}`));
    }
    case 'phone': {
      const phone = normalizePhone(value);
      return phone ? set(phone) : retry(line('permit.invalid.phone'));
    }
    case 'email':
      if (EMAIL.test(value)) return set(value.toLowerCase());
      if (saysOneOf(reading, words.skip, words) || saysOneOf(reading, words.no, words) || value === '-') return set('');
      return retry(line('permit.invalid.email'));
    case 'documents':
      if (saysOneOf(reading, words.done, words)) return set(String(draft.documents));
      return retry(line('permit.documents.waiting', { count: draft.documents }));
    default: {
      const field = type.fields.find((f) => `field:${f.key}` === at);
      if (!field) return showSummary(turn, ctx, draft);
      if (notAnAnswer(reading)) return retry(line('permit.invalid.notAnswer'));
      return value.length >= field.minLength
        ? set(value.replace(/\s+/g, ' '))
        : retry(line('permit.invalid.field', { label: field.label[turn.state.lang], min: field.minLength }));
    }
  }
}

/** Photos sent while the form waits for documents are counted (kept by the executor). */
function onFormMedia(turn: Turn, ctx: StepContext, draft: PermitDraft, at: string, media: MediaRef[]): Turn {
  if (at !== 'documents') return askStep(turn, ctx, draft, at, false, line('permit.documents.notNow'));
  const updated = { ...draft, documents: draft.documents + media.length };
  turn.go({ name: 'permit.form', draft: updated, at, editing: false });
  return turn.say(message([line('permit.documents.received', { count: updated.documents })]));
}

function summaryLines(turn: Turn, ctx: StepContext, draft: PermitDraft): Line[] {
  const type = typeOf(ctx, draft.code)!;
  const lang = turn.state.lang;
  const v = draft.values;
  const fields = type.fields.map((f) => ({ label: f.label[lang], value: v[`field:${f.key}`] ?? '' }));
  if (ctx.channel.compact) {
    // One run of text: the office and the documents are said when it is sent.
    return [
      line('permit.summary.short', {
        name: nameFor(type, ctx, lang),
        applicant: v.name ?? '',
        nik: `${COMPACT_NIK_MASK}${(v.nik ?? '').slice(-4)}`,
        phone: v.phone ?? '',
        email: v.email || '-',
      }),
      ...fields.map((f) => line('permit.summary.fieldShort', f)),
    ];
  }
  const lines = [
    line('permit.summary.title', { name: typeName(type, lang) }),
    line('permit.summary.applicant', { name: v.name ?? '', nik: maskNik(v.nik ?? '') }),
    line('permit.summary.contact', { phone: v.phone ?? '', email: v.email || '-' }),
    ...fields.map((f) => line('permit.summary.field', f)),
  ];
  const { office } = ctx.city;
  lines.push(
    ctx.channel.media
      ? line('permit.summary.documentsChat', { count: draft.documents })
      : line('permit.summary.documentsOffice', { office: office.name, address: office.address }),
  );
  return lines;
}

const SUMMARY_OPTIONS = [
  option('permit.submit', 'permit.option.submit'),
  option('permit.edit', 'permit.option.edit'),
  option('permit.cancel', 'permit.option.cancel'),
];

function showSummary(turn: Turn, ctx: StepContext, draft: PermitDraft): Turn {
  const confirm = line(ctx.channel.compact ? 'permit.summary.confirmShort' : 'permit.summary.confirm');
  return turn
    .go({ name: 'permit.confirm', draft })
    .say(message([...summaryLines(turn, ctx, draft), confirm], SUMMARY_OPTIONS));
}

function showEditChoices(turn: Turn, ctx: StepContext, draft: PermitDraft): Turn {
  const type = typeOf(ctx, draft.code)!;
  const lang = turn.state.lang;
  const options = formSteps(type, ctx)
    .filter((s) => s !== 'documents')
    .map((s) => {
      if (!s.startsWith('field:')) return option(`permit.edit:${s}`, `permit.fieldName.${s}`);
      const field = type.fields.find((f) => `field:${f.key}` === s)!;
      return option(`permit.edit:${s}`, 'permit.fieldName.custom', { label: field.label[lang] });
    });
  return turn.go({ name: 'permit.edit', draft }).say(message([line('permit.edit.ask')], options));
}

/** Handles a choice that belongs to the permit flow; false when the id is not the flow's. */
export function onPermitChoice(turn: Turn, ctx: StepContext, choice: string): boolean {
  const flow = turn.state.flow;
  const codes = 'codes' in flow ? flow.codes : catalogueOrder(ctx);
  if (choice === 'menu.permit' || choice === 'permit.list') {
    showPage(turn, ctx, catalogueOrder(ctx), 0);
  } else if (choice === 'permit.next') {
    showPage(turn, ctx, codes, (flow.name === 'permit.browse' ? flow.page : 0) + 1);
  } else if (choice.startsWith('permit.type:')) {
    showDetail(turn, ctx, choice.slice('permit.type:'.length), codes);
  } else if (choice.startsWith('permit.apply:')) {
    const code = choice.slice('permit.apply:'.length);
    if (!typeOf(ctx, code)?.online) return (showDetail(turn, ctx, code, codes), true);
    startForm(turn, ctx, code);
  } else if (choice === 'permit.resume') {
    resumeParked(turn, ctx);
  } else if (choice === 'permit.cancel') {
    turn.discarded = true;
    showMenu(turn, ctx, 'nav.cancelled');
  } else if (flow.name === 'permit.confirm' && choice === 'permit.submit') {
    turn.go({ name: 'permit.submitting', draft: flow.draft }).do({ type: 'permit.submit', draft: flow.draft });
  } else if (flow.name === 'permit.confirm' && choice === 'permit.edit') {
    showEditChoices(turn, ctx, flow.draft);
  } else if (flow.name === 'permit.edit' && choice.startsWith('permit.edit:')) {
    askStep(turn, ctx, flow.draft, choice.slice('permit.edit:'.length), true);
  } else {
    return false;
  }
  return true;
}

/** Handles free text in a permit step; false when the flow has no use for it. */
export function onPermitText(turn: Turn, ctx: StepContext, reading: Reading, media: MediaRef[]): boolean {
  const flow = turn.state.flow;
  switch (flow.name) {
    case 'permit.browse':
    case 'permit.detail': {
      if (reading.words.length === 0) return false;
      const { found, words, complete } = searchPermits(ctx.city.permitTypes, reading.text, ctx.words);
      // Words of another service ("pbb"), a problem told, small talk: not a search.
      const problem = readComplaint(reading.text, ctx.city, ctx.words).isProblem;
      if (found.length > 0 && (complete || !problem)) return (startPermit(turn, ctx, reading.text), true);
      if (reading.service && reading.service !== 'permit') return false;
      if (reading.smallTalk || problem) return false;
      if (words.length === 0) return (showPage(turn, ctx, catalogueOrder(ctx), 0), true);
      showClosest(turn, ctx, reading.text, words);
      return true;
    }
    case 'permit.form':
      if (media.length > 0) onFormMedia(turn, ctx, flow.draft, flow.at, media);
      // Another service named instead of an answer ("pbb", "cek status"): the draft is kept and
      // the citizen goes there.
      else if (leavesForm(reading, flow.at)) return false;
      else onFormText(turn, ctx, flow.draft, flow.at, flow.editing, reading);
      return true;
    case 'permit.confirm':
    case 'permit.edit':
      // Not one of the options: ask again in one short line, not the whole summary.
      turn.aside(message([line('input.pickOption')], optionsOnScreen(turn)));
      return true;
    default:
      return false;
  }
}

/** The options last offered, rebuilt from the state, to offer them again. */
export function optionsOnScreen(turn: Turn): Option[] {
  const labels = turn.state.optionLabels ?? [];
  return turn.state.options.map((id, i) => ({ id, label: labels[i] ?? line('nav.option.menu') }));
}

/** "kembali" inside the permit flow: one step back rather than to the menu. */
export function onPermitBack(turn: Turn, ctx: StepContext): boolean {
  const flow = turn.state.flow;
  if (flow.name === 'permit.detail') return (showPage(turn, ctx, flow.codes, 0), true);
  if (flow.name === 'permit.edit') return (showSummary(turn, ctx, flow.draft), true);
  if (flow.name === 'permit.form') {
    if (flow.editing) return (showSummary(turn, ctx, flow.draft), true);
    // The phone step was never asked when the channel knew the number.
    const steps = formSteps(typeOf(ctx, flow.draft.code)!, ctx).filter((s) => s !== 'phone' || !ctx.citizenPhone);
    const previous = steps[steps.indexOf(flow.at) - 1];
    if (previous) return (askStep(turn, ctx, flow.draft, previous, false), true);
    return (showDetail(turn, ctx, flow.draft.code, catalogueOrder(ctx)), true);
  }
  if (flow.name === 'permit.confirm') {
    const steps = formSteps(typeOf(ctx, flow.draft.code)!, ctx);
    return (askStep(turn, ctx, flow.draft, steps[steps.length - 1]!, false), true);
  }
  return false;
}

function resumeParked(turn: Turn, ctx: StepContext): Turn {
  const draft = takeParked(turn, ctx, 'permit');
  if (!draft) return turn.go({ name: 'menu' }).say(message([line('permit.parkedExpired')], [NAV_MENU]));
  return advance(turn, ctx, draft, false);
}

/** The answer to a submission: the tracking number and when it is due. */
export function onPermitSubmitted(turn: Turn, ctx: StepContext, trackingNumber: string, deadlineAt: string): Turn {
  const flow = turn.state.flow;
  const type = flow.name === 'permit.submitting' ? typeOf(ctx, flow.draft.code) : undefined;
  const lang = turn.state.lang;
  const deadline = `${formatDateTime(deadlineAt, lang, ctx.city.timezone)} ${ctx.city.timezoneLabel}`;
  const { office } = ctx.city;
  const options = [option('track.this:' + trackingNumber, 'track.option.this'), NAV_MENU];
  if (ctx.channel.compact) {
    const lines = [
      line('permit.submittedShort', { name: type ? nameFor(type, ctx, lang) : '', trackingNumber, deadline }),
    ];
    if (!ctx.channel.media) lines.push(line('permit.bringDocumentsShort', { office: office.shortName ?? office.name }));
    return turn.go({ name: 'menu' }).say(message(lines, options));
  }
  const lines = [line('permit.submitted', { name: type ? typeName(type, lang) : '', trackingNumber, deadline })];
  if (!ctx.channel.media) {
    lines.push(line('permit.bringDocuments', { office: office.name, address: office.address }));
  }
  return turn.go({ name: 'menu' }).say(message(lines, options));
}
