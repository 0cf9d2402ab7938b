import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/testDatabase.js';
import { findOfficerByHandle } from './findOfficerByHandle.js';
import { LOGIN_CODE_TTL_MS, requestLoginCode } from './requestLoginCode.js';
import { verifyLoginCode } from './verifyLoginCode.js';

// One-time sign-in codes on an in-memory PGlite: which handle finds which officer, and the
// life of a code (hashed, one use, expiry, five tries).

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
      { handle: '987654321', now: NOW, secret: SECRET, language: 'en' },
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

    const check = (c: string, at = NOW) =>
      verifyLoginCode(db.prisma, { handle: '987654321', code: c, now: at, secret: SECRET });
    expect(
      await verifyLoginCode(db.prisma, { handle: '987654321', code: '000042', now: NOW, secret: `${SECRET}x` }),
    ).toBeNull();
    expect(await check('42')).toBeNull();
    expect((await check(' 000042 '))?.name).toBe('Budi');
    expect(await check('000042')).toBeNull();
  });

  it('forgets an earlier code when a new one is asked for, and refuses an expired one', async () => {
    const ask = (n: number) =>
      requestLoginCode(db.prisma, { handle: '6281200000001', now: NOW, secret: SECRET, language: 'id' }, () => n);
    await ask(111111);
    await ask(222222);
    const check = (c: string, at = NOW) =>
      verifyLoginCode(db.prisma, { handle: '6281200000001', code: c, now: at, secret: SECRET });
    expect(await check('111111')).toBeNull();
    expect(await check('222222', new Date(NOW.getTime() + LOGIN_CODE_TTL_MS))).toBeNull();
    expect((await check('222222'))?.name).toBe('Ani');
  });

  it('answers unknown for a handle nobody has', async () => {
    expect(
      await requestLoginCode(db.prisma, { handle: '6289999999999', now: NOW, secret: SECRET, language: 'id' }),
    ).toEqual({
      status: 'unknown',
    });
  });
});
