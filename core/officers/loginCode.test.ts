import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.js';
import { findOfficerByHandle } from './findOfficerByHandle.js';
import { LOGIN_CODE_TTL_MS, requestLoginCode } from './requestLoginCode.js';
import { verifyLoginCode } from './verifyLoginCode.js';

// One-time sign-in codes on an in-memory PGlite: which handle finds which officer, and the
// life of a code (hashed, bound to its challenge, one use, expiry, five tries).

const SECRET = 'unit-secret-0123456789abcdef0123456789';
const NOW = new Date('2026-11-30T03:00:00Z');

describe('officers sign-in codes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    await db.prisma.officer.createMany({
      data: [
        {
          name: 'Ani',
          role: 'officer',
          departmentCode: 'PUPR',
          channel: 'sms',
          address: '6281200000001',
          phone: '6281200000001',
        },
        {
          name: 'Budi',
          role: 'supervisor',
          departmentCode: 'DLH',
          channel: 'telegram',
          address: '987654321',
          phone: '6281200000002',
        },
        { name: 'Citra', role: 'admin', channel: 'sms', address: '6281200000003', active: false },
        { name: 'Dedi', role: 'officer', departmentCode: 'DLH', phone: '6281200000004' },
        // Two officers behind one handle: neither is chosen.
        { name: 'Eko', role: 'officer', channel: 'whatsapp', address: '6281200000005' },
        { name: 'Fajar', role: 'officer', channel: 'telegram', address: '555', phone: '6281200000005' },
      ],
    });
  });
  afterAll(() => db?.drop());

  it.each([
    { handle: '6281200000001', name: 'Ani' },
    { handle: '+62 812-0000-0001', name: 'Ani' },
    { handle: '0812 0000 0001', name: 'Ani' },
    { handle: '987654321', name: 'Budi' },
    { handle: '081200000002', name: 'Budi' },
    { handle: '6281200000003', name: null },
    { handle: '6281200000004', name: null },
    { handle: '6281200000005', name: null },
    { handle: '62812', name: null },
    { handle: 'ab', name: null },
  ])('$handle names $name', async ({ handle, name }) => {
    expect((await findOfficerByHandle(db.prisma, handle))?.name ?? null).toBe(name);
  });

  it('writes the code to the outbox of the officer channel and keeps only its hash', async () => {
    const requested = await requestLoginCode(
      db.prisma,
      { handle: '987654321', challenge: 'c-budi', client: '192.0.2.1', now: NOW, secret: SECRET, language: 'en' },
      () => 42,
    );
    expect(requested.status).toBe('sent');
    if (requested.status !== 'sent') return;
    const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: requested.outbox.id } });
    expect(row).toMatchObject({
      channel: 'telegram',
      address: '987654321',
      language: 'en',
      urgent: true,
      officerId: requested.officerId,
    });
    expect(row.replies).toEqual([
      { lines: [{ key: 'commandCenter.loginCode', params: { code: '000042', minutes: 10 } }] },
    ]);
    const [code] = await db.prisma.officerLoginCode.findMany({ where: { officerId: requested.officerId } });
    expect(code!.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(code!.expiresAt.getTime() - NOW.getTime()).toBe(LOGIN_CODE_TTL_MS);

    expect(code!.challengeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(code!.challengeHash).not.toContain('c-budi');
    const check = (c: string, at = NOW, challenge = 'c-budi') =>
      verifyLoginCode(db.prisma, { handle: '987654321', code: c, challenge, now: at, secret: SECRET });
    expect(
      await verifyLoginCode(db.prisma, {
        handle: '987654321',
        code: '000042',
        challenge: 'c-budi',
        now: NOW,
        secret: `${SECRET}x`,
      }),
    ).toBeNull();
    expect(await check('000042', NOW, 'c-other')).toBeNull();
    expect(
      await verifyLoginCode(db.prisma, {
        handle: '555',
        code: '000042',
        challenge: 'c-budi',
        now: NOW,
        secret: SECRET,
      }),
    ).toBeNull();
    expect(await check('42')).toBeNull();
    expect((await check(' 000042 '))?.name).toBe('Budi');
    expect(await check('000042')).toBeNull();
  });

  it('keeps each challenge its own code, takes the handle in any spelling, and refuses an expired one', async () => {
    const ask = (challenge: string, n: number) =>
      requestLoginCode(
        db.prisma,
        { handle: '6281200000001', challenge, client: '192.0.2.1', now: NOW, secret: SECRET, language: 'id' },
        () => n,
      );
    await ask('c-first', 111111);
    await ask('c-second', 222222);
    const check = (challenge: string, c: string, at = NOW, handle = '6281200000001') =>
      verifyLoginCode(db.prisma, { handle, code: c, challenge, now: at, secret: SECRET });
    expect(await check('c-first', '222222')).toBeNull();
    expect(await check('c-second', '222222', new Date(NOW.getTime() + LOGIN_CODE_TTL_MS))).toBeNull();
    expect((await check('c-second', '222222', NOW, '0812-0000-0001'))?.name).toBe('Ani');
    expect((await check('c-first', '111111'))?.name).toBe('Ani');
  });

  it('answers unknown for a handle nobody has, and still writes the row a check will look for', async () => {
    const before = await db.prisma.officerLoginCode.count({ where: { officerId: null } });
    expect(
      await requestLoginCode(db.prisma, {
        handle: '6289999999999',
        challenge: 'c-nobody',
        client: '192.0.2.1',
        now: NOW,
        secret: SECRET,
        language: 'id',
      }),
    ).toEqual({ status: 'unknown' });
    expect(await db.prisma.officerLoginCode.count({ where: { officerId: null } })).toBe(before + 1);
  });
});
