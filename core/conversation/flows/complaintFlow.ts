import { formatDateTime } from '../../domain/calendarDate.js';
import { normalizeText } from '../parseIntent.js';
import { line, message, option } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { ComplaintDraft, ComplaintStep, Line, MediaRef, StepContext, StepEvent } from '../types.js';

const NAV_MENU = option('nav.menu', 'nav.option.menu');
const DONE_WORDS = new Set(['lanjut', 'selesai', 'next', 'done', 'sudah', 'tidak ada', 'lewati', 'skip']);
const MIN_DESCRIPTION_CHARS = 15;
const MIN_DESCRIPTION_WORDS = 3;
const MIN_PLACE_CHARS = 5;
// Words that only say "a complaint" ("aduan", "mau lapor") and are dropped from a one-shot text.
const LEADING_KEYWORDS =
  /^\s*((mau|ingin|saya|sy|mo|pengen|want to|i)\s+)*(aduan|adu|mengadu|pengaduan|lapor|laporan|melaporkan|keluhan|complaint|komplain)\b[\s:,.-]*/i;
const SAME_WORDS = new Set(['sama', 'same', 'ya', 'yes', 'iya']);
const DIFFERENT_WORDS = new Set(['beda', 'berbeda', 'different', 'baru', 'new', 'tidak', 'no']);

function steps(ctx: StepContext): ComplaintStep[] {
  return ['category', 'description', 'place', ...(ctx.channel.media ? (['photos'] as const) : []), 'anonymous'];
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
      return draft.anonymous !== undefined;
  }
}

function categoryOptions(turn: Turn, ctx: StepContext) {
  return ctx.city.complaintCategories.map((c) =>
    option(`complaint.category:${c.code}`, 'complaint.categoryLabel', { name: c.name[turn.state.lang] }),
  );
}

function ask(turn: Turn, ctx: StepContext, draft: ComplaintDraft, at: ComplaintStep, error?: Line): Turn {
  turn.go({ name: 'complaint.form', draft, at });
  const lines = error ? [error] : [];
  switch (at) {
    case 'category':
      return turn.say(message([...lines, line('complaint.ask.category')], categoryOptions(turn, ctx)));
    case 'place':
      lines.push(line(ctx.channel.media ? 'complaint.ask.placeOrLocation' : 'complaint.ask.place'));
      return turn.say(message(lines));
    case 'photos':
      lines.push(line('complaint.ask.photos'));
      return turn.say(message(lines));
    case 'anonymous':
      lines.push(line('complaint.ask.anonymous'));
      return turn.say(
        message(lines, [
          option('complaint.anonymous:yes', 'complaint.option.anonymous'),
          option('complaint.anonymous:no', 'complaint.option.named'),
        ]),
      );
    default:
      lines.push(line('complaint.ask.description'));
      return turn.say(message(lines));
  }
}

function advance(turn: Turn, ctx: StepContext, draft: ComplaintDraft): Turn {
  const next = steps(ctx).find((s) => !answered(draft, s));
  return next ? ask(turn, ctx, draft, next) : showSummary(turn, ctx, draft);
}

/** Opens a complaint; "ADUAN jalan berlubang di depan pasar" keeps its words as the description. */
export function startComplaint(turn: Turn, ctx: StepContext, text = ''): Turn {
  const rest = text.replace(LEADING_KEYWORDS, '').trim();
  const draft: ComplaintDraft = { photos: [] };
  if (LEADING_KEYWORDS.test(text) && isDescriptive(rest)) draft.description = rest;
  return advance(turn, ctx, draft);
}

function isDescriptive(text: string): boolean {
  return text.length >= MIN_DESCRIPTION_CHARS && text.split(/\s+/).filter(Boolean).length >= MIN_DESCRIPTION_WORDS;
}

/** Reads a category typed as words ("sampah", "lampu jalan"). */
function categoryFromText(ctx: StepContext, text: string): string | null {
  const words = normalizeText(text)
    .split(' ')
    .filter((w) => w.length > 2);
  if (words.length === 0) return null;
  // The category sharing the most words wins ("jalan rusak" is Jalan rusak, not Lampu jalan mati).
  const scored = ctx.city.complaintCategories
    .map((c) => {
      const names = normalizeText(`${c.code} ${c.name.id} ${c.name.en}`).split(' ');
      return { code: c.code, score: words.filter((w) => names.some((n) => n.startsWith(w))).length };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0) return null;
  return scored.length === 1 || scored[0]!.score > scored[1]!.score ? scored[0]!.code : null;
}

function showSummary(turn: Turn, ctx: StepContext, draft: ComplaintDraft): Turn {
  const lang = turn.state.lang;
  const category = ctx.city.complaintCategories.find((c) => c.code === draft.category);
  const place = draft.place;
  const lines = [
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
  if (ctx.channel.media) lines.push(line('complaint.summary.photos', { count: draft.photos.length }));
  lines.push(line(draft.anonymous ? 'complaint.summary.anonymous' : 'complaint.summary.named'));
  lines.push(line('complaint.summary.confirm'));
  return turn
    .go({ name: 'complaint.confirm', draft })
    .say(
      message(lines, [
        option('complaint.submit', 'complaint.option.submit'),
        option('complaint.cancel', 'complaint.option.cancel'),
      ]),
    );
}

function storedPhotos(media: MediaRef[]): string[] {
  return media.filter((m) => m.url.startsWith('sha256:')).map((m) => m.url.slice('sha256:'.length));
}

/** The draft's photos with new ones added, each photo once. */
function withPhotos(draft: ComplaintDraft, photos: string[]): ComplaintDraft {
  return { ...draft, photos: [...new Set([...draft.photos, ...photos])] };
}

/** Handles a choice of the complaint flow; false when the id is not the flow's. */
export function onComplaintChoice(turn: Turn, ctx: StepContext, choice: string): boolean {
  const flow = turn.state.flow;
  if (choice === 'menu.complaint') return (startComplaint(turn, ctx), true);
  if (choice.startsWith('complaint.category:') && flow.name === 'complaint.form') {
    return (advance(turn, ctx, { ...flow.draft, category: choice.slice('complaint.category:'.length) }), true);
  }
  if (choice.startsWith('complaint.anonymous:') && flow.name === 'complaint.form') {
    return (advance(turn, ctx, { ...flow.draft, anonymous: choice.endsWith(':yes') }), true);
  }
  if (choice === 'complaint.submit' && flow.name === 'complaint.confirm') {
    turn
      .go({ name: 'complaint.submitting', draft: flow.draft })
      .do({ type: 'complaint.submit', draft: flow.draft, allowDuplicate: false });
    return true;
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
  text: string,
  media: MediaRef[],
  location: { latitude: number; longitude: number } | undefined,
): boolean {
  const flow = turn.state.flow;
  const value = text.trim();
  switch (flow.name) {
    case 'complaint.form': {
      const { draft, at } = flow;
      const photos = storedPhotos(media);
      if (photos.length > 0 && (at === 'photos' || at === 'description' || at === 'place')) {
        // Photos are welcome whenever they come; they do not answer the question asked.
        const updated = withPhotos(draft, photos);
        if (at !== 'photos')
          return (ask(turn, ctx, updated, at, line('complaint.photoReceived', { count: updated.photos.length })), true);
        turn.go({ name: 'complaint.form', draft: updated, at });
        return (
          turn.say(
            message([
              line('complaint.photoReceived', { count: updated.photos.length }),
              line('complaint.ask.photosMore'),
            ]),
          ),
          true
        );
      }
      switch (at) {
        case 'category': {
          const code = categoryFromText(ctx, value);
          return (
            code
              ? advance(turn, ctx, { ...draft, category: code })
              : ask(turn, ctx, draft, at, line('complaint.pickCategory')),
            true
          );
        }
        case 'description':
          return (
            isDescriptive(value)
              ? advance(turn, ctx, { ...draft, description: value.replace(/\s+/g, ' ') })
              : ask(turn, ctx, draft, at, line('complaint.tooShort', { min: MIN_DESCRIPTION_CHARS })),
            true
          );
        case 'place':
          if (location) return (advance(turn, ctx, { ...draft, place: { text: null, ...location } }), true);
          return (
            value.length >= MIN_PLACE_CHARS
              ? advance(turn, ctx, {
                  ...draft,
                  place: { text: value.replace(/\s+/g, ' '), latitude: null, longitude: null },
                })
              : ask(turn, ctx, draft, at, line('complaint.placeTooShort')),
            true
          );
        case 'photos':
          if (DONE_WORDS.has(normalizeText(value))) return (advance(turn, ctx, { ...draft, photosDone: true }), true);
          return (ask(turn, ctx, draft, at), true);
        case 'anonymous':
          return (ask(turn, ctx, draft, at), true);
      }
      return false;
    }
    case 'complaint.confirm':
      return (showSummary(turn, ctx, flow.draft), true);
    case 'complaint.duplicate': {
      // The two buttons, typed as words.
      const word = normalizeText(value);
      if (SAME_WORDS.has(word)) return onComplaintChoice(turn, ctx, 'complaint.same');
      if (DIFFERENT_WORDS.has(word)) return onComplaintChoice(turn, ctx, 'complaint.different');
      turn.say(
        message(
          [line('complaint.duplicate', { trackingNumber: flow.trackingNumber })],
          [
            option('complaint.same', 'complaint.option.same'),
            option('complaint.different', 'complaint.option.different'),
          ],
        ),
      );
      return true;
    }
    case 'complaint.adding': {
      const photos = storedPhotos(media);
      if (value.length < 3 && photos.length === 0) {
        turn.say(message([line('complaint.ask.more', { trackingNumber: flow.trackingNumber })], [NAV_MENU]));
        return true;
      }
      turn.do({ type: 'complaint.addInfo', trackingNumber: flow.trackingNumber, text: value || null, photos });
      return true;
    }
    case 'complaint.ratingComment':
      turn.do({
        type: 'complaint.rate',
        trackingNumber: flow.trackingNumber,
        rating: flow.rating,
        comment: DONE_WORDS.has(normalizeText(value)) || value === '' ? null : value.slice(0, 500),
      });
      return true;
    default:
      return false;
  }
}

/** "kembali" while filing: one step back. */
export function onComplaintBack(turn: Turn, ctx: StepContext): boolean {
  const flow = turn.state.flow;
  if (flow.name === 'complaint.confirm') return (ask(turn, ctx, flow.draft, 'anonymous'), true);
  if (flow.name !== 'complaint.form') return false;
  const order = steps(ctx);
  const previous = order[order.indexOf(flow.at) - 1];
  return previous ? (ask(turn, ctx, flow.draft, previous), true) : false;
}

/** Answers of the executor to the complaint flow's effects. */
export function onComplaintEvent(turn: Turn, ctx: StepContext, event: StepEvent): Turn {
  const lang = turn.state.lang;
  switch (event.type) {
    case 'complaint.submitted':
      return turn.go({ name: 'menu' }).say(
        message(
          [
            line('complaint.submitted', {
              trackingNumber: event.trackingNumber,
              department: event.department,
              deadline: `${formatDateTime(event.deadlineAt, lang, ctx.city.timezone)} ${ctx.city.timezoneLabel}`,
            }),
          ],
          [option(`track.this:${event.trackingNumber}`, 'track.option.this'), NAV_MENU],
        ),
      );
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
