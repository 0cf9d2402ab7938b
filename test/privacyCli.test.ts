import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrivacyCli } from '../core/privacy/privacyCli.js';
import { recordPersonalData } from '../core/privacy/trail.js';
import { fileComplaint } from './support/fileComplaint.js';
import { runCommand, TSX } from './support/runCommand.js';
import { createTestDatabase, defaultCity, type TestDatabase } from './support/testDatabase.js';

// npm run privacy: who an account or a period touched (for the 3 x 24 hour breach notice), and
// the trail of a case or a resident. In process for each case, one real run through tsx.

const AT = new Date('2026-12-01T03:00:00.000Z');
const HOUR = 3_600_000;

describe('npm run privacy', () => {
  let db: TestDatabase;
  const ids = { officer: '', other: '', citizen: '', reporterCitizen: '' };
  let named = '';
  let open311 = '';

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPrivacyCli(argv, {
      db: () => Promise.resolve(db.prisma),
      city: () => defaultCity,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      now: () => new Date(AT.getTime() + 10 * HOUR),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const view = (officerId: string, citizenId: string, trackingNumber: string, at: Date, fields: string[]) =>
    recordPersonalData(db.prisma, [
      {
        at,
        actor: { type: 'officer', id: officerId },
        action: 'view',
        via: 'bot',
        citizenId,
        caseKind: 'complaint',
        trackingNumber,
        fields: fields as never,
      },
    ]);

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    const officer = (name: string, phone: string) =>
      db.prisma.officer.create({
        data: { name, role: 'officer', departmentCode: 'PUPR', channel: 'sms', address: phone, phone },
      });
    ids.officer = (await officer('Petugas Bocor', '6281100000401')).id;
    ids.other = (await officer('Petugas Lain', '6281100000402')).id;
    const citizen = await db.prisma.citizen.create({
      data: {
        fullName: 'Sari Lubis',
        phone: '6281355550201',
        email: 'sari@example.id',
        identities: { create: { channel: 'telegram', address: '555000201' } },
      },
    });
    ids.citizen = citizen.id;
    named = (
      await fileComplaint(db.prisma, defaultCity, {
        citizenId: citizen.id,
        categoryCode: 'lampu',
        description: 'Lampu mati',
        place: 'Jl. Veteran',
        now: AT,
      })
    ).trackingNumber;
    const reporter = await db.prisma.citizen.create({ data: {} });
    ids.reporterCitizen = reporter.id;
    open311 = (
      await fileComplaint(db.prisma, defaultCity, {
        citizenId: reporter.id,
        categoryCode: 'jalan',
        description: 'Jalan berlubang',
        place: 'Jl. Gatot Subroto',
        now: AT,
      })
    ).trackingNumber;
    await db.prisma.complaint.update({
      where: { trackingNumber: open311 },
      data: { reporterName: 'Budi Open311', reporterEmail: 'budi@example.id' },
    });
    await view(ids.officer, citizen.id, named, AT, ['name', 'phone']);
    await view(ids.officer, citizen.id, named, new Date(AT.getTime() + HOUR), ['name', 'phone', 'description']);
    await view(ids.officer, reporter.id, open311, new Date(AT.getTime() + HOUR), ['description']);
    // Outside the period, and another officer's: neither is the leaked account's.
    await view(ids.officer, citizen.id, named, new Date(AT.getTime() - 48 * HOUR), ['name']);
    await view(ids.other, citizen.id, named, new Date(AT.getTime() + 2 * HOUR), ['location']);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("lists the residents an officer's account touched, with whole contacts, fields and counts", async () => {
    const run = await cli('affected', '--officer', '+62 811-0000-0401', '--since', AT.toISOString(), '--json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.out) as { officer: string; residents: unknown[] };
    expect(answer.officer).toBe(ids.officer);
    expect(answer.residents).toEqual([
      {
        citizenId: ids.citizen,
        name: 'Sari Lubis',
        contacts: [
          { channel: 'telegram', address: '555000201' },
          { channel: 'sms', address: '6281355550201' },
          { channel: 'email', address: 'sari@example.id' },
        ],
        fields: { name: 2, phone: 2, description: 1 },
        events: 2,
        cases: [named],
      },
      {
        citizenId: null,
        name: 'Budi Open311',
        contacts: [{ channel: 'email', address: 'budi@example.id' }],
        fields: { description: 1 },
        events: 1,
        cases: [open311],
      },
    ]);
  });

  it('lists by period alone every event of the window, whoever made it', async () => {
    const until = new Date(AT.getTime() + 3 * HOUR).toISOString();
    const run = await cli('affected', '--since', AT.toISOString(), '--until', until);
    expect(run.code).toBe(0);
    expect(run.out).toContain('2 resident(s) touched in the period');
    expect(run.out).toContain('  email: sari@example.id');
    expect(run.out).toContain('3 event(s); fields: name x2, phone x2, description x1, location x1');
  });

  it('refuses bad arguments with a message and exit code 2', async () => {
    for (const argv of [
      ['affected', '--since', 'yesterday'],
      ['affected', '--since', AT.toISOString()],
      ['affected', '--officer', 'nobody', '--since', AT.toISOString()],
      ['trail'],
      ['forget'],
    ]) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err).toMatch(/^privacy: /);
    }
  });

  it('prints the trail of a resident, officers named', async () => {
    const run = await cli('trail', '--citizen', ids.citizen);
    expect(run.code).toBe(0);
    expect(run.out).toContain('4 event(s) for citizen');
    expect(run.out).toContain(`officer Petugas Lain (${ids.other})`);
  });

  it('runs the retention job once and prints its report, as the nightly run records it', async () => {
    const runs = await db.prisma.retentionRun.count();
    const { code, out } = await cli('retention', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, number>;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['drafts', 'messageIds', 'replyBodies', 'photos']));
    expect(await db.prisma.retentionRun.count()).toBe(runs + 1);
  });

  it('runs as npm run privacy does: the trail of a case as JSON', async () => {
    const { code, stdout } = await runCommand(
      TSX,
      ['core/privacy/privacyCli.ts', 'trail', '--case', open311, '--json'],
      {
        DATABASE_URL: db.url!,
      },
    );
    expect(code).toBe(0);
    const { events } = JSON.parse(stdout) as { events: Array<{ trackingNumber: string; fields: string[] }> };
    expect(events).toEqual([expect.objectContaining({ trackingNumber: open311, fields: ['description'] })]);
  }, 60_000);
});
