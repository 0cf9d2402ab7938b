import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCity, defaultWords } from '../../test/support/testDatabase.js';
import { initialState } from './initialState.js';
import { step } from './step.js';
import type { StepContext, StepEvent } from './types.js';

interface Turn {
  say?: string;
  answer?: StepEvent;
  flow: string;
  at?: string;
  effects?: string[];
}

const { conversations } = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'informal.conversations.json'), 'utf8'),
) as { conversations: Array<{ label: string; channel?: 'sms' | 'telegram'; turns: Turn[] }> };

const PERMIT = 'P48271633';

function ctxOf(channel: 'sms' | 'telegram' = 'sms'): StepContext {
  return {
    now: new Date('2026-11-28T03:00:00Z'),
    city: defaultCity,
    idleTimeoutMs: 30 * 60_000,
    draftRetentionMs: 72 * 3_600_000,
    channel: channel === 'sms' ? { media: false, compact: true } : { media: true },
    citizenPhone: channel === 'sms' ? '6281234567890' : null,
    words: defaultWords,
  };
}

describe('conversations in informal words only (informal.conversations.json)', () => {
  it.each(conversations)('$label', ({ channel, turns }) => {
    const ctx = ctxOf(channel);
    let state = initialState('id');
    turns.forEach((turn, i) => {
      const event: StepEvent = turn.answer ?? {
        type: 'message',
        text: (turn.say ?? '').replaceAll('$PERMIT', PERMIT),
        media: [],
      };
      const result = step(state, event, ctx);
      state = result.state;
      const where = `turn ${i + 1}: ${turn.say ?? turn.answer?.type}`;
      expect(state.flow.name, where).toBe(turn.flow);
      if (turn.at) expect('at' in state.flow ? state.flow.at : undefined, where).toBe(turn.at);
      expect(
        result.effects.map((e) => e.type),
        where,
      ).toEqual(turn.effects ?? []);
      // Nothing a resident types is answered with "not understood" here.
      expect(
        result.replies.flatMap((r) => r.lines.map((l) => l.key)),
        where,
      ).not.toContain('menu.notUnderstood');
    });
  });
});
