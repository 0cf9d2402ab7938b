import { formatDateTime } from '../../domain/calendarDate.js';
import { takeParked, unpark } from '../parking.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { ComplaintDraft, ComplaintStep, Line, MediaRef, StepContext, StepEvent } from '../types.js';
import { categoryOf, readComplaint, type ComplaintReading } from '../understanding/readComplaint.js';
import { saysOneOf, type Reading } from '../understanding/readMessage.js';
import { showMenu } from './menuFlow.js';
import { optionsOnScreen } from './permitFlow.js';
import { storableText } from '../../domain/storableText.js';

const NAV_MENU = option('nav.menu', 'nav.option.menu');
const MIN_DESCRIPTION_CHARS = 12;
const MIN_DESCRIPTION_WORDS = 3;
const MIN_PLACE_CHARS = 5;
/** What can be changed from the summary, in its order. */
const EDITABLE = ['description', 'category', 'place'] as const;

/**
 * The questions of a complaint, in order: the problem first (its words often tell the category
 * and the place, which are then not asked), then the category, the place and, where the channel
 * carries them, photos. Whether to hide the reporter is a choice on the summary.
 */
function steps(ctx: StepContext): ComplaintStep[] {
  return ['description', 'category', 'place', ...(ctx.channel.media ? (['photos'] as const) : [])];
}

function answered(draft: ComplaintDraft, step: ComplaintStep): boolean {
  switch (step) {
    case 'category':
      return draft.category !== undefined;
    case 'description':
      return draft.description !== undefined;
    case 'place':
      return draft.place !== undefined;
    case 'photos':
      return draft.photosDone === true;
    case 'anonymous':
      return true;
  }
}

function categoryOptions(turn: Turn, ctx: StepContext) {
  const lang = turn.state.lang;
  return ctx.city.complaintCategories.map((c) =>
    option(`complaint.category:${c.code}`, 'complaint.categoryLabel', {
      name: ctx.channel.compact && c.shortName ? c.shortName[lang] : c.name[lang],
    }),
  );
}

function ask(
  turn: Turn,
  ctx: StepContext,
  draft: ComplaintDraft,
  at: ComplaintStep,
  error?: Line,
  editing = false,
): Turn {
  if (at === 'anonymous') return showSummary(turn, ctx, draft);
  turn.go({ name: 'complaint.form', draft, at, ...(editing ? { editing } : {}) });
  const lines = error ? [error] : [];
  switch (at) {
    case 'category':
      lines.push(line(draft.description ? 'complaint.ask.categoryFor' : 'complaint.ask.category'));
      return turn.say(message(lines, categoryOptions(turn, ctx)));
    case 'place':
      lines.push(line(ctx.channel.media ? 'complaint.ask.placeOrLocation' : 'complaint.ask.place'));
      return turn.say(message(lines));
    case 'photos':
      lines.push(line('complaint.ask.photos'));
      return turn.say(message(lines));
    default:
      lines.push(line('complaint.ask.description'));
      return turn.say(message(lines));
  }
}

function advance(turn: Turn, ctx: StepContext, draft: ComplaintDraft, editing = false): Turn {
  const next = editing ? undefined : steps(ctx).find((s) => !answered(draft, s));
  return next ? ask(turn, ctx, draft, next) : showSummary(turn, ctx, draft);
}

function isDescriptive(text: string): boolean {
  return text.length >= MIN_DESCRIPTION_CHARS && text.split(/\s+/).filter(Boolean).length >= MIN_DESCRIPTION_WORDS;
}

/**
 * What a description tells besides itself: its category and its place, where the draft has
 * none yet ("lampu jalan mati depan masjid Al Ikhlas").
 */
function withDescription(
  ctx: StepContext,
  draft: ComplaintDraft,
  text: string,
  read: ComplaintReading = readComplaint(text, ctx.city, ctx.words),
): ComplaintDraft {
  const description = (read.description ?? text).replace(/\s+/g, ' ');
  return {
    ...draft,
    description,
    ...(draft.category === undefined && read.category ? { category: read.category } : {}),
    ...(draft.place === undefined && read.place
      ? { place: { text: read.place, latitude: null, longitude: null } }
      : {}),
  };
}

/**
 * Opens a complaint. A message that already tells the problem keeps it as the description and
 * asks only what is missing; one that also names its category and a place goes straight to the
 * summary, the one question left ("ADUAN lampu jalan mati depan masjid Al Ikhlas Jl. Kenanga").
 * `read` is what readComplaint found in the message, when the caller has read it already.
 */
export function startComplaint(turn: Turn, ctx: StepContext, reading?: Reading, read?: ComplaintReading): Turn {
  unpark(turn, 'complaint');
  let draft: ComplaintDraft = { photos: [] };
  if (reading) {
    read ??= readComplaint(reading.text, ctx.city, ctx.words);
    if (read.description && isDescriptive(read.description)) draft = withDescription(ctx, draft, reading.text, read);
    else if (read.category && read.isProblem) draft = { ...draft, category: read.category };
  }
  if (draft.description && draft.category && draft.place) return showSummary(turn, ctx, draft);
  return advance(turn, ctx, draft);
}

function showSummary(turn: Turn, ctx: StepContext, draft: ComplaintDraft): Turn {
  const lang = turn.state.lang;
  const category = ctx.city.complaintCategories.find((c) => c.code === draft.category);
  const place = draft.place;
  const placeText = place?.text ?? `${place?.latitude?.toFixed(5) ?? ''}, ${place?.longitude?.toFixed(5) ?? ''}`;
  let lines: Line[];
  if (ctx.channel.compact) {
    lines = [
      line('complaint.summary.short', {
        category: category?.shortName?.[lang] ?? category?.name[lang] ?? '',
        text: draft.description ?? '',
      }),
      line('complaint.summary.placeShort', { place: placeText }),
      line('complaint.summary.confirmShort'),
    ];
  } else {
    lines = [
      line('complaint.summary.title'),
      line('complaint.summary.category', { name: category?.name[lang] ?? '' }),
      line('complaint.summary.description', { text: draft.description ?? '' }),
      place?.text
        ? line('complaint.summary.place', { place: place.text })
        : line('complaint.summary.coordinates', {
            lat: place?.latitude?.toFixed(5) ?? '',
            lon: place?.longitude?.toFixed(5) ?? '',
          }),
    ];
    if (ctx.channel.media) {
      lines.push(line('complaint.summary.photos', { count: draft.photos.length }));
      if (draft.photos.length === 0) lines.push(line('complaint.summary.photosHint'));
    }
    lines.push(line(draft.anonymous ? 'complaint.summary.anonymous' : 'complaint.summary.named'));
    lines.push(line('complaint.summary.confirm'));
  }
  return turn
    .go({ name: 'complaint.confirm', draft })
    .say(
      message(lines, [
        option('complaint.submit', 'complaint.option.submit'),
        option('complaint.submitAnonymous', 'complaint.option.submitAnonymous'),
        option('complaint.edit', 'complaint.option.edit'),
        option('complaint.cancel', 'complaint.option.cancel'),
      ]),
    );
}

function showEditChoices(turn: Turn, draft: ComplaintDraft): Turn {
  const options = EDITABLE.map((part) => option(`complaint.edit:${part}`, `complaint.fieldName.${part}`));
  return turn.go({ name: 'complaint.edit', draft }).say(message([line('complaint.edit.ask')], options));
}

function storedPhotos(media: MediaRef[]): string[] {
  return media.filter((m) => m.url.startsWith('sha256:')).map((m) => m.url.slice('sha256:'.length));
}

/** The draft's photos with new ones added, each photo once. */
function withPhotos(draft: ComplaintDraft, photos: string[]): ComplaintDraft {
  return { ...draft, photos: [...new Set([...draft.photos, ...photos])] };
}

function resumeParked(turn: Turn, ctx: StepContext): Turn {
  const draft = takeParked(turn, ctx, 'complaint');
  if (!draft) return turn.go({ name: 'menu' }).say(message([line('complaint.parkedExpired')], [NAV_MENU]));
  return advance(turn, ctx, draft);
}

/** Handles a choice of the complaint flow; false when the id is not the flow's. */
export function onComplaintChoice(turn: Turn, ctx: StepContext, choice: string): boolean {
  const flow = turn.state.flow;
  if (choice === 'menu.complaint') return (startComplaint(turn, ctx), true);
  if (choice === 'complaint.resume') return (resumeParked(turn, ctx), true);
  if (choice === 'complaint.cancel') {
    turn.discarded = true;
    return (showMenu(turn, ctx, 'nav.cancelled'), true);
  }
  if (choice.startsWith('complaint.category:') && flow.name === 'complaint.form') {
    const category = choice.slice('complaint.category:'.length);
    return (advance(turn, ctx, { ...flow.draft, category }, flow.editing), true);
  }
  if (choice.startsWith('complaint.anonymous:') && flow.name === 'complaint.form') {
    // A question of states stored before it moved to the summary.
    return (showSummary(turn, ctx, { ...flow.draft, anonymous: choice.endsWith(':yes') }), true);
  }
  if ((choice === 'complaint.submit' || choice === 'complaint.submitAnonymous') && flow.name === 'complaint.confirm') {
    const draft = { ...flow.draft, anonymous: choice === 'complaint.submitAnonymous' || flow.draft.anonymous === true };
    turn.go({ name: 'complaint.submitting', draft }).do({ type: 'complaint.submit', draft, allowDuplicate: false });
    return true;
  }
  if (choice === 'complaint.edit' && flow.name === 'complaint.confirm')
    return (showEditChoices(turn, flow.draft), true);
  if (choice.startsWith('complaint.edit:') && flow.name === 'complaint.edit') {
    const part = choice.slice('complaint.edit:'.length) as (typeof EDITABLE)[number];
    return (ask(turn, ctx, flow.draft, part, undefined, true), true);
  }
  if (flow.name === 'complaint.duplicate' && (choice === 'complaint.same' || choice === 'complaint.different')) {
    if (choice === 'complaint.same') {
      turn.go({ name: 'complaint.submitting', draft: flow.draft }).do({
        type: 'complaint.addInfo',
        trackingNumber: flow.trackingNumber,
        text: flow.draft.description ?? null,
        photos: flow.draft.photos,
      });
    } else {
      turn
        .go({ name: 'complaint.submitting', draft: flow.draft })
        .do({ type: 'complaint.submit', draft: flow.draft, allowDuplicate: true });
    }
    return true;
  }
  if (choice.startsWith('complaint.more:')) {
    const trackingNumber = choice.slice('complaint.more:'.length);
    turn
      .go({ name: 'complaint.adding', trackingNumber })
      .say(message([line('complaint.ask.more', { trackingNumber })], [NAV_MENU]));
    return true;
  }
  if (choice.startsWith('complaint.rate:')) {
    const trackingNumber = choice.slice('complaint.rate:'.length);
    const stars = [1, 2, 3, 4, 5].map((n) => option(`complaint.stars:${n}`, `complaint.option.stars${n}`));
    turn
      .go({ name: 'complaint.rating', trackingNumber })
      .say(message([line('complaint.ask.rating', { trackingNumber })], stars));
    return true;
  }
  if (choice.startsWith('complaint.stars:') && flow.name === 'complaint.rating') {
    const rating = Number(choice.slice('complaint.stars:'.length));
    turn
      .go({ name: 'complaint.ratingComment', trackingNumber: flow.trackingNumber, rating })
      .say(message([line('complaint.ask.ratingComment')]));
    return true;
  }
  return false;
}

/** Handles free text (and photos, places) in a complaint step; false when the flow has no use for it. */
export function onComplaintText(
  turn: Turn,
  ctx: StepContext,
  reading: Reading,
  media: MediaRef[],
  location: { latitude: number; longitude: number } | undefined,
): boolean {
  const flow = turn.state.flow;
  const value = reading.text;
  const words = ctx.words;
  const photos = storedPhotos(media);
  switch (flow.name) {
    case 'complaint.form': {
      const { draft, at } = flow;
      const editing = flow.editing === true;
      if (photos.length > 0 && at !== 'category') {
        // Photos are welcome whenever they come; they do not answer the question asked.
        const updated = withPhotos(draft, photos);
        if (at !== 'photos') {
          ask(turn, ctx, updated, at, line('complaint.photoReceived', { count: updated.photos.length }), editing);
          return true;
        }
        turn.go({ name: 'complaint.form', draft: updated, at });
        turn.say(
          message([
            line('complaint.photoReceived', { count: updated.photos.length }),
            line('complaint.ask.photosMore'),
          ]),
        );
        return true;
      }
      // Another service named instead of an answer: the draft is kept and the citizen goes there.
      if (reading.onlyService && reading.service !== 'complaint') return false;
      switch (at) {
        case 'description': {
          if (!isDescriptive(value) || reading.smallTalk) {
            // Too short to act on, but it may name the category ("PJU MATI").
            const category = draft.category ?? categoryOf(reading.words, ctx.city, words) ?? undefined;
            const kept = category ? { ...draft, category } : draft;
            ask(turn, ctx, kept, at, line('complaint.tooShort', { min: MIN_DESCRIPTION_CHARS }), editing);
            return true;
          }
          const described = editing
            ? { ...draft, description: value.replace(/\s+/g, ' ') }
            : withDescription(ctx, draft, value);
          advance(turn, ctx, described, editing);
          return true;
        }
        case 'category': {
          const code = categoryOf(reading.words, ctx.city, words);
          if (code) advance(turn, ctx, { ...draft, category: code }, editing);
          else ask(turn, ctx, draft, at, line('complaint.pickCategory'), editing);
          return true;
        }
        case 'place':
          if (location) {
            advance(turn, ctx, { ...draft, place: { text: null, ...location } }, editing);
          } else if (value.length >= MIN_PLACE_CHARS && !reading.smallTalk) {
            const place = { text: value.replace(/\s+/g, ' '), latitude: null, longitude: null };
            advance(turn, ctx, { ...draft, place }, editing);
          } else {
            ask(turn, ctx, draft, at, line('complaint.placeTooShort'), editing);
          }
          return true;
        case 'photos':
          if (
            saysOneOf(reading, words.done, words) ||
            saysOneOf(reading, words.skip, words) ||
            saysOneOf(reading, words.no, words)
          ) {
            advance(turn, ctx, { ...draft, photosDone: true });
          } else {
            ask(turn, ctx, draft, at);
          }
          return true;
        case 'anonymous':
          showSummary(turn, ctx, draft);
          return true;
      }
      return false;
    }
    case 'complaint.confirm':
      if (photos.length > 0) return (showSummary(turn, ctx, withPhotos(flow.draft, photos)), true);
      turn.aside(message([line('input.pickOption')], optionsOnScreen(turn)));
      return true;
    case 'complaint.edit':
      turn.aside(message([line('input.pickOption')], optionsOnScreen(turn)));
      return true;
    case 'complaint.duplicate':
      turn.aside(
        message([line('complaint.duplicate', { trackingNumber: flow.trackingNumber })], optionsOnScreen(turn)),
      );
      return true;
    case 'complaint.adding': {
      if (value.length < 3 && photos.length === 0) {
        turn.say(message([line('complaint.ask.more', { trackingNumber: flow.trackingNumber })], [NAV_MENU]));
        return true;
      }
      turn.do({ type: 'complaint.addInfo', trackingNumber: flow.trackingNumber, text: value || null, photos });
      return true;
    }
    case 'complaint.ratingComment': {
      const skipped = value === '' || saysOneOf(reading, words.skip, words) || saysOneOf(reading, words.done, words);
      turn.do({
        type: 'complaint.rate',
        trackingNumber: flow.trackingNumber,
        rating: flow.rating,
        comment: skipped ? null : storableText(value, 500),
      });
      return true;
    }
    default:
      return false;
  }
}

/** "kembali" while filing: one step back. */
export function onComplaintBack(turn: Turn, ctx: StepContext): boolean {
  const flow = turn.state.flow;
  const order = steps(ctx);
  if (flow.name === 'complaint.confirm' || flow.name === 'complaint.edit') {
    return (ask(turn, ctx, flow.draft, order[order.length - 1]!), true);
  }
  if (flow.name !== 'complaint.form') return false;
  if (flow.editing) return (showSummary(turn, ctx, flow.draft), true);
  const previous = order[order.indexOf(flow.at) - 1];
  return previous ? (ask(turn, ctx, flow.draft, previous), true) : false;
}

/** Answers of the executor to the complaint flow's effects. */
export function onComplaintEvent(turn: Turn, ctx: StepContext, event: StepEvent): Turn {
  const lang = turn.state.lang;
  switch (event.type) {
    case 'complaint.submitted': {
      const deadline = `${formatDateTime(event.deadlineAt, lang, ctx.city.timezone)} ${ctx.city.timezoneLabel}`;
      const params = { trackingNumber: event.trackingNumber, deadline };
      const text = ctx.channel.compact
        ? line('complaint.submittedShort', { ...params, department: event.departmentCode ?? event.department })
        : line('complaint.submitted', { ...params, department: event.department });
      return turn
        .go({ name: 'menu' })
        .say(message([text], [option(`track.this:${event.trackingNumber}`, 'track.option.this'), NAV_MENU]));
    }
    case 'complaint.duplicateFound': {
      const flow = turn.state.flow;
      const draft = flow.name === 'complaint.submitting' ? flow.draft : { photos: [] };
      return turn
        .go({ name: 'complaint.duplicate', draft, trackingNumber: event.trackingNumber })
        .say(
          message(
            [line('complaint.duplicate', { trackingNumber: event.trackingNumber })],
            [
              option('complaint.same', 'complaint.option.same'),
              option('complaint.different', 'complaint.option.different'),
            ],
          ),
        );
    }
    case 'complaint.added':
      return turn
        .go({ name: 'menu' })
        .say(
          message(
            [line('complaint.added', { trackingNumber: event.trackingNumber })],
            [option(`track.this:${event.trackingNumber}`, 'track.option.this'), NAV_MENU],
          ),
        );
    case 'complaint.rated':
      return turn
        .go({ name: 'menu' })
        .say(message([line(event.reopened ? 'complaint.ratedReopened' : 'complaint.rated')], [NAV_MENU]));
    default:
      return turn.go({ name: 'menu' }).say(message([line('complaint.refused')], [NAV_MENU]));
  }
}
