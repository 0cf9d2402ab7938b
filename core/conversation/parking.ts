import type { Turn } from './Turn.js';
import type { ComplaintDraft, ConversationState, ParkedDrafts, PermitDraft, StepContext } from './types.js';

/** A draft a flow holds: a permit application or a complaint. */
export type HeldDraft = { kind: 'permit'; draft: PermitDraft } | { kind: 'complaint'; draft: ComplaintDraft };

/** The draft the citizen is working on, when it holds anything worth keeping. */
export function heldDraft(state: ConversationState): HeldDraft | null {
  const flow = state.flow;
  switch (flow.name) {
    case 'permit.form':
    case 'permit.confirm':
    case 'permit.edit': {
      const typed = Object.keys(flow.draft.values).some((k) => k !== 'phone');
      return typed || flow.draft.documents > 0 ? { kind: 'permit', draft: flow.draft } : null;
    }
    case 'complaint.form':
    case 'complaint.confirm':
    case 'complaint.edit':
    case 'complaint.duplicate': {
      const d = flow.draft;
      const any = d.category || d.description || d.place || d.photos.length > 0;
      return any ? { kind: 'complaint', draft: d } : null;
    }
    default:
      return null;
  }
}

/** The citizen's parked drafts; a state stored before complaints could be parked held one application. */
export function parkedOf(state: ConversationState): ParkedDrafts {
  const parked = state.parked as (ParkedDrafts & { draft?: PermitDraft; at?: string }) | null | undefined;
  if (!parked) return {};
  if (parked.draft && parked.at) return { permit: { draft: parked.draft, at: parked.at } };
  return { permit: parked.permit ?? null, complaint: parked.complaint ?? null };
}

/** Keeps a draft to resume later; one of each kind, the newest. */
export function park(turn: Turn, held: HeldDraft, at: string): void {
  const parked = parkedOf(turn.state);
  turn.state = { ...turn.state, parked: { ...parked, [held.kind]: { draft: held.draft, at } } };
}

/** Forgets a parked draft: resumed, replaced by a new one, or past its retention. */
export function unpark(turn: Turn, kind: HeldDraft['kind']): void {
  const parked = parkedOf(turn.state);
  if (!parked[kind]) return;
  const rest: ParkedDrafts = { ...parked, [kind]: null };
  turn.state = { ...turn.state, parked: rest.permit || rest.complaint ? rest : null };
}

/** Whether a draft parked at `at` is past the retention period. */
function isStale(at: string, ctx: StepContext): boolean {
  return ctx.now.getTime() - Date.parse(at) > ctx.draftRetentionMs;
}

/** Takes a parked draft back to work on: null when there is none, or it is past its retention. */
export function takeParked<K extends HeldDraft['kind']>(
  turn: Turn,
  ctx: StepContext,
  kind: K,
): NonNullable<ParkedDrafts[K]>['draft'] | null {
  const entry = parkedOf(turn.state)[kind];
  unpark(turn, kind);
  return entry && !isStale(entry.at, ctx) ? entry.draft : null;
}

/** Drops parked drafts older than the retention period. */
export function dropStaleParked(turn: Turn, ctx: StepContext): void {
  const parked = parkedOf(turn.state);
  for (const kind of ['permit', 'complaint'] as const) {
    const entry = parked[kind];
    if (entry && isStale(entry.at, ctx)) unpark(turn, kind);
  }
  if (turn.state.parked && !parked.permit && !parked.complaint) turn.state = { ...turn.state, parked: null };
}

/** The parked drafts, newest first. */
export function parkedList(state: ConversationState): Array<HeldDraft & { at: string }> {
  const parked = parkedOf(state);
  const list: Array<HeldDraft & { at: string }> = [];
  if (parked.permit) list.push({ kind: 'permit', draft: parked.permit.draft, at: parked.permit.at });
  if (parked.complaint) list.push({ kind: 'complaint', draft: parked.complaint.draft, at: parked.complaint.at });
  return list.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
