import { describe, expect, it } from 'vitest';
import { defaultCity } from '../../test/support/testDatabase.js';
import { clocksOf, type CaseRow } from '../cases/caseKinds.js';
import type { OfficerCase } from './caseLookup.js';
import {
  decideOfficerCommand,
  decideRefusal,
  type DecidingOfficer,
  type OfficerFacts,
  type Recipient,
} from './decideOfficerCommand.js';
import { parseOfficerCommand } from './parseOfficerCommand.js';

// The officer's commands as a pure decision: no database, only the facts read beforehand.
const NOW = new Date('2026-12-07T03:00:00.000Z');
const ctx = { city: defaultCity, now: NOW };
const department = defaultCity.complaintCategories[0]!.department;
const officer: DecidingOfficer = {
  id: 'o-1',
  name: 'Rina',
  role: 'officer',
  departmentCode: department,
  language: null,
};
const holder: Recipient & { id: string } = { id: 'o-2', channel: 'telegram', address: '5550002', language: 'en' };

function aCase(kind: 'permit' | 'complaint', over: Partial<OfficerCase> = {}): OfficerCase {
  const row = {
    kind,
    filedAt: new Date('2026-12-01T03:00:00.000Z'),
    deadlineAt: new Date('2026-12-10T03:00:00.000Z'),
    closedAt: null,
    verifyDeadlineAt: kind === 'complaint' ? new Date('2026-12-02T03:00:00.000Z') : null,
    verifiedAt: null,
    firstResponseDeadlineAt: kind === 'complaint' ? new Date('2026-12-04T03:00:00.000Z') : null,
    firstRespondedAt: null,
  } as CaseRow;
  return {
    kind,
    id: `${kind}-id`,
    trackingNumber: kind === 'permit' ? 'P48271633' : 'A48271633',
    title: 'Lampu jalan',
    titles: { id: 'Lampu jalan', en: 'Street light' },
    status: kind === 'permit' ? 'submitted' : 'waiting',
    open: true,
    departmentCode: department,
    citizenId: 'c-1',
    anonymous: false,
    deadlineAt: row.deadlineAt,
    submittedAt: row.filedAt,
    holderId: null,
    holderName: null,
    description: 'Lampu jalan mati',
    deadlineVersion: 0,
    clocks: clocksOf(row),
    reporter: null,
    ...over,
  };
}

const facts = (text: string, more: Omit<OfficerFacts, 'command'> = {}): OfficerFacts => ({
  command: parseOfficerCommand(text),
  ...more,
});
const keys = (d: { replies: Array<{ lines: Array<{ key: string }> }> }) =>
  d.replies.flatMap((r) => r.lines.map((l) => l.key));
const types = (d: { effects: Array<{ type: string }> }) => d.effects.map((e) => e.type);

describe('decideOfficerCommand', () => {
  it('asks before taking over a case another officer holds, and changes nothing', () => {
    const c = aCase('complaint', { holderId: 'o-2', holderName: 'Budi' });
    const d = decideOfficerCommand(ctx, officer, facts(`/ambil ${c.trackingNumber}`, { case: c, holder }));
    expect(keys(d)).toEqual(['officer.claimAsk']);
    expect(d.replies[0]!.options?.[0]?.id).toBe(`off.claim:${c.trackingNumber}:ya`);
    expect(d.effects).toEqual([]);
  });

  it('takes it over when confirmed: assigned from the holder shown, noted, the holder told in their language', () => {
    const c = aCase('complaint', { holderId: 'o-2', holderName: 'Budi' });
    const d = decideOfficerCommand(ctx, officer, facts(`/ambil ${c.trackingNumber} ya`, { case: c, holder }));
    expect(keys(d)).toEqual(['officer.claimed']);
    expect(d.effects).toMatchObject([
      { type: 'case.assign', case: { id: c.id, holderId: 'o-2' }, to: 'o-1' },
      { type: 'case.note', note: 'Diambil alih dari Budi oleh Rina' },
      {
        type: 'notify.officer',
        officerId: 'o-2',
        to: holder,
        replies: [{ lines: [{ key: 'officer.takenOver', params: { title: 'Street light', name: 'Rina' } }] }],
      },
    ]);
  });

  it("answers a complaint's reporter: noted, the first response clock stopped, the message and its thread", () => {
    const c = aCase('complaint');
    const to: Recipient = { channel: 'sms', address: '6281298765432', language: 'id' };
    const d = decideOfficerCommand(
      ctx,
      officer,
      facts(`/balas ${c.trackingNumber} Petugas datang sore ini`, {
        case: c,
        recipient: { citizenId: 'c-1', to, reached: true },
      }),
    );
    expect(keys(d)).toEqual(['officer.replySent']);
    expect(types(d)).toEqual(['case.note', 'case.firstResponse', 'notify.citizen', 'thread.open']);
    expect(d.effects[3]).toEqual({
      type: 'thread.open',
      citizenId: 'c-1',
      thread: { trackingNumber: c.trackingNumber, officerId: 'o-1' },
    });
  });

  it('a permit keeps no first-response clock; a citizen opted out everywhere is written to and the officer told it did not go', () => {
    const c = aCase('permit', { departmentCode: department });
    const to: Recipient = { channel: 'telegram', address: '777', language: 'id' };
    const d = decideOfficerCommand(
      ctx,
      officer,
      facts(`/balas ${c.trackingNumber} Berkas lengkap`, {
        case: c,
        recipient: { citizenId: 'c-1', to, reached: false },
      }),
    );
    expect(keys(d)).toEqual(['officer.replyNotSent']);
    expect(types(d)).toEqual(['case.note', 'notify.citizen', 'thread.open']);
  });

  it("refuses another department's case with no effect, and flags it for the log", () => {
    const c = aCase('complaint', { departmentCode: 'ELSEWHERE' });
    const d = decideOfficerCommand(ctx, officer, facts(`/selesai ${c.trackingNumber}`, { case: c }));
    expect(keys(d)).toEqual(['officer.notYours']);
    expect(d.effects).toEqual([]);
    expect(d.warn).toBe('other department');
  });

  it('walks a waiting complaint to done in steps, the note on the last one only', () => {
    const supervisor: DecidingOfficer = { ...officer, role: 'supervisor' };
    const c = aCase('complaint');
    const d = decideOfficerCommand(
      ctx,
      supervisor,
      facts(`/selesai ${c.trackingNumber} Sudah diperbaiki`, { case: c }),
    );
    const moves = d.effects.filter((e) => e.type === 'case.move');
    expect(moves.length).toBeGreaterThan(1);
    expect(moves.at(-1)).toMatchObject({ to: 'done', note: 'Sudah diperbaiki' });
    expect(moves.slice(0, -1).every((m) => m.note === undefined)).toBe(true);
  });

  it('does not forward a permit, and forwards a complaint with the new department told', () => {
    const permit = aCase('permit');
    expect(
      decideOfficerCommand(ctx, officer, facts(`/teruskan ${permit.trackingNumber} DLH`, { case: permit })),
    ).toEqual({
      replies: [{ lines: [{ key: 'officer.forwardPermit' }] }],
      effects: [],
    });
    const other = defaultCity.departments.find((x) => x.code !== department)!.code;
    const complaint = aCase('complaint', { status: 'verified' });
    const d = decideOfficerCommand(
      ctx,
      officer,
      facts(`/teruskan ${complaint.trackingNumber} ${other}`, { case: complaint }),
    );
    expect(d.effects).toMatchObject([
      { type: 'case.move', to: 'dispositioned', departmentCode: other },
      { type: 'notify.department', departmentCode: other, key: 'officer.forwardedToYou' },
    ]);
  });

  it('a refused move says why and what can come next', () => {
    const c = aCase('complaint');
    const d = decideRefusal(c, 'invalid_transition');
    expect(keys(d)[0]).toBe('officer.refused.invalid_transition');
    expect(keys(d)).toContain('officer.nextStatus');
    expect(d.effects).toEqual([]);
  });
});
