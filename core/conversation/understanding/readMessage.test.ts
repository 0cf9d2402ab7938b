import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWords } from '../../../test/support/testDatabase.js';
import { parseNumberChoice } from './parseNumberChoice.js';
import { numberPicked, readMessage, type Reading } from './readMessage.js';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'readMessage.cases.json'), 'utf8')) as {
  cases: Array<{ text: string; reads: string | null }>;
  numbers: Array<{ text: string; number: number | null }>;
};

/** The strongest reading of a message, as the fixture writes it. */
function strongest(r: Reading): string | null {
  if (r.rating) return `rate:${r.rating.trackingNumber}:${r.rating.stars}`;
  if (r.trackTask) return `track:${r.trackingNumber}`;
  if (r.nopTask) return `nop:${r.nop}`;
  if (r.command) return r.language ? `command:${r.command}:${r.language}` : `command:${r.command}`;
  if (r.service) return `service:${r.service}`;
  if (r.smallTalk) return `smallTalk:${r.smallTalk}`;
  return null;
}

describe('readMessage (readMessage.cases.json)', () => {
  it.each(fixture.cases)('$text -> $reads', ({ text, reads }) => {
    expect(strongest(readMessage(text, defaultWords))).toBe(reads);
  });

  it('the table reaches every kind of reading', () => {
    const kinds = new Set(fixture.cases.map((c) => c.reads?.split(':').slice(0, 2).join(':') ?? null));
    for (const kind of [
      'command:menu',
      'command:cancel',
      'command:back',
      'command:help',
      'command:language',
      'service:permit',
      'service:complaint',
      'service:pbb',
      'service:track',
      'smallTalk:greeting',
      'smallTalk:thanks',
      'smallTalk:ack',
      null,
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(fixture.cases.some((c) => c.reads?.startsWith('track:'))).toBe(true);
    expect(fixture.cases.some((c) => c.reads?.startsWith('nop:'))).toBe(true);
    expect(fixture.cases.some((c) => c.reads?.startsWith('rate:'))).toBe(true);
  });
});

describe('every word of the lists is read as what the lists say (locales/<lang>/words.json)', () => {
  const w = defaultWords;
  const asText = (phrase: readonly string[]) => phrase.join(' ');

  it.each(['menu', 'cancel', 'back', 'help', 'language'] as const)('every %s command', (command) => {
    const wrong = w.commands[command].filter((p) => readMessage(asText(p), w).command !== command);
    expect(wrong.map(asText)).toEqual([]);
  });

  it.each(['greeting', 'thanks', 'ack'] as const)('every %s is small talk of its kind', (kind) => {
    // A word that is also a command ("tes" is not) or a service is read as that, which is stronger.
    const wrong = w.smallTalk[kind].filter((p) => {
      const r = readMessage(asText(p), w);
      return r.smallTalk !== kind && !r.command && !r.service;
    });
    expect(wrong.map(asText)).toEqual([]);
  });

  it('a command with particles around it is still the command ("batal ya pak")', () => {
    for (const [command, phrases] of Object.entries(w.commands)) {
      // A lone "?" is help only when alone.
      const words = phrases.filter((p) => /\p{L}|\d/u.test(asText(p)));
      const wrong = words.filter((p) => readMessage(`${asText(p)} ya pak`, w).command !== command);
      expect(wrong.map(asText), command).toEqual([]);
    }
  });

  it('every abbreviation reads as what it stands for', () => {
    for (const [short, long] of w.abbreviations) {
      expect(readMessage(`${short} ${short}`, w).words.slice(0, long.length), short).toEqual(long);
    }
  });
});

describe('parseNumberChoice and numbers picked with a word', () => {
  it.each(fixture.numbers)('$text -> $number', ({ text, number }) => {
    expect(parseNumberChoice(text)).toBe(number);
  });

  it.each([
    { text: 'no 2', number: 2 },
    { text: 'yg no 3', number: 3 },
    { text: 'pilih 1', number: 1 },
    { text: 'nomor 12', number: 12 },
    { text: 'jalan 2', number: null },
    { text: '2', number: null },
  ])('"$text" picks $number', ({ text, number }) => {
    expect(numberPicked(readMessage(text, defaultWords), defaultWords)).toBe(number);
  });
});
