import { describe, expect, it } from 'vitest';
import { caseFiltersOf, decodeCursor, encodeCursor, type Cursor } from './caseList.js';

// A cursor comes back from the browser: whatever is in it, the list answers 400 (null here),
// never a database error. Each row is a value the query would cast and PostgreSQL refuse.
const NOW = '2026-12-02T19:54:09.200Z';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('decodeCursor', () => {
  it.each<{ label: string; cursor: Cursor }>([
    {
      label: 'an urgency cursor',
      cursor: { sort: 'urgency', now: NOW, after: [2, 507950799, 'A26261783', 'complaint'] },
    },
    { label: 'a filed cursor', cursor: { sort: 'filed', now: NOW, after: [NOW, 'P48271633', 'permit'] } },
  ])('reads back $label it made', ({ cursor }) => {
    expect(decodeCursor(encodeCursor(cursor), cursor.sort)).toEqual(cursor);
  });

  it.each([
    { label: 'a state order past int', sort: 'urgency', after: [99_999_999_999, 1, 'A1', 'complaint'], now: NOW },
    { label: 'a state order no state has', sort: 'urgency', after: [7, 1, 'A1', 'complaint'], now: NOW },
    { label: 'a negative state order', sort: 'urgency', after: [-1, 1, 'A1', 'complaint'], now: NOW },
    { label: 'a NUL in the tracking number', sort: 'urgency', after: [0, 1, 'A\u0000', 'complaint'], now: NOW },
    {
      label: 'a now before timestamptz',
      sort: 'urgency',
      after: [0, 1, 'A1', 'complaint'],
      now: '-271821-04-20T00:00:00Z',
    },
    {
      label: 'a now past year 9999',
      sort: 'urgency',
      after: [0, 1, 'A1', 'complaint'],
      now: '+275760-09-13T00:00:00.000Z',
    },
    {
      label: 'a filed time past year 9999',
      sort: 'filed',
      after: ['+275760-09-13T00:00:00.000Z', 'A1', 'permit'],
      now: NOW,
    },
    { label: 'a NUL in a filed cursor', sort: 'filed', after: [NOW, 'A\u0000', 'permit'], now: NOW },
  ] as const)('refuses $label', ({ sort, after, now }) => {
    expect(decodeCursor(raw({ sort, now, after }), sort)).toBeNull();
  });
});

describe('caseFiltersOf', () => {
  it.each([
    { label: 'a NUL in the search', query: { q: 'lampu\u0000' }, expected: { q: undefined } },
    { label: 'a NUL in the status', query: { status: '\u0000' }, expected: { status: undefined } },
    {
      label: 'plain words',
      query: { q: 'lampu jalan', status: 'waiting' },
      expected: { q: 'lampu jalan', status: 'waiting' },
    },
  ])('reads $label', ({ query, expected }) => {
    expect(caseFiltersOf(query)).toMatchObject(expected);
  });
});
