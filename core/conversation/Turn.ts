import type { ConversationState, Effect, Flow, Line, Reply, StepResult } from './types.js';

/**
 * The working copy of one step: the state so far and what has been said and asked for.
 * Local to a single call of `step`, so `step` stays a pure function of its inputs.
 */
export class Turn {
  readonly replies: Reply[] = [];
  readonly effects: Effect[] = [];
  private notices: Line[] = [];

  constructor(public state: ConversationState) {}

  /** A short line put in front of the next message rather than sent on its own (SMS costs money). */
  notice(note: Line): this {
    this.notices.push(note);
    return this;
  }

  /** Sends a message; its options become what a typed number refers to. */
  say(reply: Reply): this {
    if (this.notices.length > 0) {
      reply = { ...reply, lines: [...this.notices, ...reply.lines] };
      this.notices = [];
    }
    this.replies.push(reply);
    this.state = { ...this.state, options: reply.options?.map((o) => o.id) ?? this.state.options };
    return this;
  }

  go(flow: Flow): this {
    this.state = { ...this.state, flow };
    return this;
  }

  do(effect: Effect): this {
    this.effects.push(effect);
    return this;
  }

  result(): StepResult {
    return { state: this.state, replies: this.replies, effects: this.effects };
  }
}
