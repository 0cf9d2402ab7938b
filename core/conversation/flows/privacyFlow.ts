import { line, message } from '../replies.js';
import type { Turn } from '../Turn.js';
import type { StepContext, StepEvent } from '../types.js';
import type { Reading } from '../understanding/readMessage.js';

/*
 * Personal data (UU PDP, Law 27 of 2022) in the dialogue: the first-contact notice, PRIVASI,
 * DATA SAYA, UBAH DATA, HAPUS DATA SAYA and BERHENTI EMAIL. The executor does the reads and
 * writes (core/privacy/); this file only decides what is said and asked for.
 */

type PrivacyEvent = Extract<
  StepEvent,
  { type: 'privacy.myData' | 'privacy.openCases' | 'privacy.corrected' | 'privacy.erased' }
>;

/** The one-segment notice at a resident's first message, after its answer; the options on screen stay. */
export function addPrivacyNotice(turn: Turn, ctx: StepContext): Turn {
  turn.do({ type: 'privacy.noticeShown' });
  return turn.aside(message([line('privacy.notice', { controller: ctx.city.privacy.controller.name })]));
}

/** A personal-data request read from a message (PRIVASI, DATA SAYA, ...), from any step. */
export function onPrivacyRequest(turn: Turn, ctx: StepContext, request: NonNullable<Reading['privacy']>): Turn {
  void ctx;
  void request;
  return turn; // TODO(helper): built in the privacy dialogue branch
}

/** A button or numbered option of the privacy dialogue; false when the choice is not one of its own. */
export function onPrivacyChoice(turn: Turn, ctx: StepContext, choice: string): boolean {
  void turn;
  void ctx;
  void choice;
  return false;
}

/** Free text at a privacy step (the new value of UBAH DATA); false when not at one. */
export function onPrivacyText(turn: Turn, ctx: StepContext, reading: Reading): boolean {
  void turn;
  void ctx;
  void reading;
  return false;
}

/** The executor's answer to a privacy query or write. */
export function onPrivacyEvent(turn: Turn, ctx: StepContext, event: PrivacyEvent): Turn {
  void ctx;
  void event;
  return turn;
}
