import type { PermitTypeData } from '../../city/loadCityData.js';
import { formatDateTime } from '../../domain/calendarDate.js';
import { maskNik } from '../../domain/mask.js';
import { checkNik } from '../../domain/nik.js';
import { normalizePhone } from '../../domain/phone.js';
import { normalizeText, parseIntent } from '../parseIntent.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { Line, MediaRef, Option, PermitDraft, StepContext } from '../types.js';

const PAGE_SIZE = 7;
const NAV_MENU = option('nav.menu', 'nav.option.menu');
const SKIP_WORDS = new Set(['lewati', 'lewat', 'skip', 'tidak', 'tidak ada', 'ga ada', 'gak ada', 'no', 'none', '-']);
const DONE_WORDS = new Set(['lanjut', 'selesai', 'next', 'done', 'sudah', 'ok', 'oke']);
// Words that say "a permit" without naming which one.
const FILLER_WORDS = new Set(
  'izin ijin perizinan perijinan permit licence license surat mau ingin ajukan mengajukan urus mengurus buat membuat bikin daftar apply for a the saya untuk'.split(
    ' ',
  ),
);
// Common spellings people type, mapped to the catalogue's.
const SPELLINGS: Record<string, string> = { praktek: 'praktik', prakter: 'praktik', ijin: 'izin', apotik: 'apotek' };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const PERSON_NAME = /^[\p{L}][\p{L} .,'-]{1,98}[\p{L}.]$/u;

function typeOf(ctx: StepContext, code: string): PermitTypeData | undefined {
  return ctx.city.permitTypes.find((t) => t.code === code);
}

function typeName(type: PermitTypeData, lang: 'id' | 'en'): string {
  return `${type.name[lang]} (${type.code})`;
}

/**
 * Finds permit types by code or words of their name: "siup", "izin praktik bidan".
 * Every meaningful word must appear; an exact code wins outright.
 */
export function searchPermitTypes(types: readonly PermitTypeData[], query: string): PermitTypeData[] {
  const normalized = normalizeText(query);
  const exact = types.find((t) => normalizeText(t.code) === normalized.replace(/^(izin|ijin|permit) /, ''));
  if (exact) return [exact];
  const words = normalized
    .split(' ')
    .map((w) => SPELLINGS[w] ?? w)
    .filter((w) => w.length > 1 && !FILLER_WORDS.has(w));
  if (words.length === 0) return [];
  return types.filter((t) => {
    const haystack = normalizeText([t.code, t.name.id, t.name.en, ...t.keywords].join(' '));
    return words.every((w) => haystack.includes(w));
  });
}

/** Opens the catalogue: the list, or straight to what the words name ("izin praktik bidan"). */
export function startPermit(turn: Turn, ctx: StepContext, query = ''): Turn {
  const all = catalogueOrder(ctx);
  const found = query ? searchPermitTypes(ctx.city.permitTypes, query) : [];
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
  return showPage(turn, ctx, all, 0);
}

/** Types fileable by chat first, then those filed in person, each in the catalogue's order. */
function catalogueOrder(ctx: StepContext): string[] {
  const types = ctx.city.permitTypes;
  return [...types.filter((t) => t.online), ...types.filter((t) => !t.online)].map((t) => t.code);
}

function showPage(turn: Turn, ctx: StepContext, codes: string[], page: number, first?: Line): Turn {
  const pages = Math.max(1, Math.ceil(codes.length / PAGE_SIZE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const lang = turn.state.lang;
  const options: Option[] = codes.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE).map((code) => {
    const type = typeOf(ctx, code)!;
    return option(`permit.type:${code}`, type.online ? 'permit.typeLabel' : 'permit.typeLabelOffline', {
      name: typeName(type, lang),
    });
  });
  if (current + 1 < pages) options.push(option('permit.next', 'permit.option.next'));
  options.push(NAV_MENU);
  const lines = [line('permit.browse.title', { page: current + 1, pages })];
  if (first) lines.unshift(first);
  return turn.go({ name: 'permit.browse', page: current, codes }).say(message(lines, options));
}

function showDetail(turn: Turn, ctx: StepContext, code: string, codes: string[]): Turn {
  const type = typeOf(ctx, code);
  if (!type) return showPage(turn, ctx, codes, 0);
  const lang = turn.state.lang;
  const lines = [
    line('permit.detail.header', { name: typeName(type, lang) }),
    line('permit.detail.requirements', { list: type.requirements.join(', ') }),
    type.slaHours !== undefined
      ? line('permit.detail.slaHours', { hours: type.slaHours })
      : line('permit.detail.slaWorkingDays', { days: type.slaWorkingDays ?? 0 }),
  ];
  const { office } = ctx.city;
  const options = [option('permit.list', 'permit.option.list'), NAV_MENU];
  if (type.online) {
    lines.push(line('permit.detail.online'));
    options.unshift(option(`permit.apply:${code}`, 'permit.option.apply'));
  } else {
    lines.push(
      line('permit.detail.offline', { office: office.name, address: office.address, hours: office.hours[lang] }),
    );
  }
  return turn.go({ name: 'permit.detail', code, codes }).say(message(lines, options));
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
    prompt = line('permit.ask.documents', { list: type.requirements.join(', ') });
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
  const values: Record<string, string> = {};
  if (ctx.citizenPhone) values.phone = ctx.citizenPhone;
  turn.state = { ...turn.state, parked: null };
  return advance(turn, ctx, { code, values, documents: 0 }, false);
}

/** Reads one answer of the form; a wrong one is asked again with what is wrong. */
function onFormText(
  turn: Turn,
  ctx: StepContext,
  draft: PermitDraft,
  at: string,
  editing: boolean,
  text: string,
): Turn {
  const value = text.trim();
  const type = typeOf(ctx, draft.code)!;
  const set = (v: string) => advance(turn, ctx, { ...draft, values: { ...draft.values, [at]: v } }, editing);
  const retry = (error: Line) => askStep(turn, ctx, draft, at, editing, error);

  switch (at) {
    case 'name':
      return PERSON_NAME.test(value) ? set(value.replace(/\s+/g, ' ')) : retry(line('permit.invalid.name'));
    case 'nik': {
      const nik = checkNik(value);
      if (nik.ok) return set(nik.nik);
      if (nik.reason === 'length') return retry(line('permit.invalid.nikLength', { digits: nik.digits }));
      return retry(line(`permit.invalid.nik${nik.reason[0]!.toUpperCase()}${nik.reason.slice(1)}`));
    }
    case 'phone': {
      const phone = normalizePhone(value);
      return phone ? set(phone) : retry(line('permit.invalid.phone'));
    }
    case 'email':
      if (SKIP_WORDS.has(normalizeText(value)) || value === '-') return set('');
      return EMAIL.test(value) ? set(value.toLowerCase()) : retry(line('permit.invalid.email'));
    case 'documents':
      if (DONE_WORDS.has(normalizeText(value))) return set(String(draft.documents));
      return retry(line('permit.documents.waiting', { count: draft.documents }));
    default: {
      const field = type.fields.find((f) => `field:${f.key}` === at);
      if (!field) return showSummary(turn, ctx, draft);
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
  const lines = [
    line('permit.summary.title', { name: typeName(type, lang) }),
    line('permit.summary.applicant', { name: v.name ?? '', nik: maskNik(v.nik ?? '') }),
    line('permit.summary.contact', { phone: v.phone ?? '', email: v.email || '-' }),
    ...type.fields.map((f) => line('permit.summary.field', { label: f.label[lang], value: v[`field:${f.key}`] ?? '' })),
  ];
  const { office } = ctx.city;
  lines.push(
    ctx.channel.media
      ? line('permit.summary.documentsChat', { count: draft.documents })
      : line('permit.summary.documentsOffice', { office: office.name, address: office.address }),
  );
  return lines;
}

function showSummary(turn: Turn, ctx: StepContext, draft: PermitDraft): Turn {
  return turn
    .go({ name: 'permit.confirm', draft })
    .say(
      message(
        [...summaryLines(turn, ctx, draft), line('permit.summary.confirm')],
        [
          option('permit.submit', 'permit.option.submit'),
          option('permit.edit', 'permit.option.edit'),
          option('permit.cancel', 'permit.option.cancel'),
        ],
      ),
    );
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
export function onPermitText(turn: Turn, ctx: StepContext, text: string, media: MediaRef[]): boolean {
  const flow = turn.state.flow;
  switch (flow.name) {
    case 'permit.browse':
    case 'permit.detail': {
      if (normalizeText(text) === '') return false;
      if (searchPermitTypes(ctx.city.permitTypes, text).length > 0) return (startPermit(turn, ctx, text), true);
      // Words of another service ("pbb") leave the catalogue; anything else is a search that found nothing.
      const intent = parseIntent(text);
      if (intent && intent !== 'permit') return false;
      const all = catalogueOrder(ctx);
      showPage(turn, ctx, all, 0, line('permit.browse.notFound', { query: text.trim().slice(0, 40) }));
      return true;
    }
    case 'permit.form':
      if (media.length > 0) onFormMedia(turn, ctx, flow.draft, flow.at, media);
      else onFormText(turn, ctx, flow.draft, flow.at, flow.editing, text);
      return true;
    case 'permit.confirm':
      showSummary(turn, ctx, flow.draft);
      return true;
    case 'permit.edit':
      showEditChoices(turn, ctx, flow.draft);
      return true;
    default:
      return false;
  }
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

/** The draft of a flow that holds one, so an idle session can park it. */
export function draftOf(turn: Turn): PermitDraft | null {
  const flow = turn.state.flow;
  return flow.name === 'permit.form' || flow.name === 'permit.confirm' || flow.name === 'permit.edit'
    ? flow.draft
    : null;
}

function resumeParked(turn: Turn, ctx: StepContext): Turn {
  const parked = turn.state.parked;
  turn.state = { ...turn.state, parked: null };
  if (!parked || ctx.now.getTime() - Date.parse(parked.at) > ctx.draftRetentionMs) {
    return turn.go({ name: 'menu' }).say(message([line('permit.parkedExpired')], [NAV_MENU]));
  }
  return advance(turn, ctx, parked.draft, false);
}

/** The answer to a submission: the tracking number and when it is due. */
export function onPermitSubmitted(turn: Turn, ctx: StepContext, trackingNumber: string, deadlineAt: string): Turn {
  const flow = turn.state.flow;
  const type = flow.name === 'permit.submitting' ? typeOf(ctx, flow.draft.code) : undefined;
  const lang = turn.state.lang;
  const lines = [
    line('permit.submitted', {
      name: type ? typeName(type, lang) : '',
      trackingNumber,
      deadline: `${formatDateTime(deadlineAt, lang, ctx.city.timezone)} ${ctx.city.timezoneLabel}`,
    }),
  ];
  if (!ctx.channel.media) {
    lines.push(line('permit.bringDocuments', { office: ctx.city.office.name, address: ctx.city.office.address }));
  }
  return turn
    .go({ name: 'menu' })
    .say(message(lines, [option('track.this:' + trackingNumber, 'track.option.this'), NAV_MENU]));
}
