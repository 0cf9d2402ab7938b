import { describe, expect, it } from 'vitest';
import { open311List, open311Window } from './open311Query.js';

// GeoReport v2 (http://wiki.open311.org/GeoReport_v2), GET Service Requests: service_code and
// status "can be declared multiple times, comma delimited"; start_date and end_date "may not span
// more than 90 days", and "when not specified, the range defaults to most recent 90 days".

describe('open311List', () => {
  it.each([
    { label: 'one value', given: 'open', expected: ['open'] },
    { label: 'a comma list', given: 'open,closed', expected: ['open', 'closed'] },
    { label: 'spaces and empty members', given: ' jalan , ,sampah,', expected: ['jalan', 'sampah'] },
    { label: 'a repeated parameter', given: ['jalan', 'sampah,lampu'], expected: ['jalan', 'sampah', 'lampu'] },
    { label: 'an empty parameter, as if not given', given: '', expected: [] },
    { label: 'no parameter', given: undefined, expected: [] },
    { label: 'what a query string cannot carry', given: { a: 'b' }, expected: [] },
  ])('$label', ({ given, expected }) => {
    expect(open311List(given)).toEqual(expected);
  });
});

describe('open311Window', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
  it.each([
    { label: 'no dates: the most recent 90 days', start: undefined, end: undefined, expected: { gte: day(-90) } },
    {
      label: 'a start: 90 days from it',
      start: day(-200),
      end: undefined,
      expected: { gte: day(-200), lte: day(-110) },
    },
    { label: 'an end: 90 days up to it', start: undefined, end: day(-10), expected: { gte: day(-100), lte: day(-10) } },
    { label: 'both, 90 days apart', start: day(-90), end: day(0), expected: { gte: day(-90), lte: day(0) } },
    {
      label: 'both, 91 days apart',
      start: day(-91),
      end: day(0),
      expected: 'start_date to end_date may span at most 90 days',
    },
    { label: 'an end before the start', start: day(0), end: day(-1), expected: 'end_date is before start_date' },
  ])('$label', ({ start, end, expected }) => {
    expect(open311Window(start, end, now)).toEqual(expected);
  });
});
