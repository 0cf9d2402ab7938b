import type { ConversationState, Effect, Flow, Line, Reply, StepResult } from './types.js';

/**
 * The working copy of one step: the state so far and what has been said and asked for.
 * Local to a single call of `step`, so `step` stays a pure function of its inputs.
 */
export class Turn {
  readonly replies: Reply[] = [];
  readonly effects: Effect[] = [];
  /** The citizen threw the draft away on purpose (BATAL): it is not kept to resume. */
  discarded = false;
  private notices: Line[] = [];

  constructor(public state: ConversationState) {}

  /** A short line put in front of the next message rather than sent on its own (SMS costs money). */
  notice(note: Line): this {
    this.notices.push(note);
    return this;
  }

  /** Sends a message; its options (or none) become what a typed number or word refers to. */
  say(reply: Reply): this {
    if (this.notices.length > 0) {
      reply = { ...reply, lines: [...this.notices, ...reply.lines] };
      this.notices = [];
    }
    this.replies.push(reply);
    const options = reply.options ?? [];
    this.state = { ...this.state, options: options.map((o) => o.id), optionLabels: options.map((o) => o.label) };
    return this;
  }

  /** Sends a message that answers in passing ("Sama-sama"): the options on screen stay what they were. */
  aside(reply: Reply): this {
    const { options, optionLabels } = this.state;
    this.say(reply);
    this.state = { ...this.state, options, optionLabels: optionLabels ?? [] };
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
    // A notice with no message to ride on (the step ended asking a query) goes out on its own.
    if (this.notices.length > 0) this.replies.push({ lines: this.notices.splice(0) });
    return { state: this.state, replies: this.replies, effects: this.effects };
  }
}
