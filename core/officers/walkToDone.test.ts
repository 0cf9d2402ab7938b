import { describe, expect, it } from 'vitest';
import { walkToDone } from './walkToDone.js';

describe('walkToDone', () => {
  it.each<{ label: string; kind: 'permit' | 'complaint'; status: string; expected: string[] | null }>([
    {
      label: 'a waiting complaint: verified, in process, done',
      kind: 'complaint',
      status: 'waiting',
      expected: ['verified', 'in_process', 'done'],
    },
    {
      label: 'a verified complaint: in process, done',
      kind: 'complaint',
      status: 'verified',
      expected: ['in_process', 'done'],
    },
    {
      label: 'a forwarded complaint: in process, done (not forwarded again)',
      kind: 'complaint',
      status: 'dispositioned',
      expected: ['in_process', 'done'],
    },
    { label: 'a complaint in process: done', kind: 'complaint', status: 'in_process', expected: ['done'] },
    { label: 'a done complaint: reopening is no way to done', kind: 'complaint', status: 'done', expected: null },
    { label: 'a rejected complaint: none', kind: 'complaint', status: 'rejected', expected: null },
    {
      label: 'a submitted permit: verified, in process, done',
      kind: 'permit',
      status: 'submitted',
      expected: ['verified', 'in_process', 'done'],
    },
    {
      label: 'a permit back with its applicant: none (the applicant submits it again)',
      kind: 'permit',
      status: 'needs_revision',
      expected: null,
    },
    { label: 'an unknown status: none', kind: 'permit', status: 'archived', expected: null },
  ])('$label', ({ kind, status, expected }) => {
    expect(walkToDone(kind, status)).toEqual(expected);
  });
});
