import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../core/db/openDatabase.js';
import { runCommand, TSX } from './support/runCommand.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// End to end through the real command lines, as a city's operator and a citizen would use them.
// Each run starts tsx and boots the core (2-5 s), so runs are few and timeouts generous.

const DEMO_CSV = 'city/default/pbb-sppt-demo.csv';
const TIMEOUT = 60_000;

const run = (script: string, args: string[], settings: Record<string, string>, input = '') =>
  runCommand(TSX, [script, ...args], settings, input);

const importPbb = (settings: Record<string, string>, file = DEMO_CSV) => run('core/pbb/importCli.ts', [file], settings);
const chat = (settings: Record<string, string>, input: string, args = ['--channel', 'sms']) =>
  run('bots/console/main.ts', args, settings, input);

/**
 * Every amount of NOP 12.75.040.003.009-1555.0 in the demo ledger, and what the chat says about it
 * by SMS (a compact channel): the unpaid years and the total due first, the year-by-year detail
 * after "1" (Rincian). Amounts with a penalty still growing by the month are not pinned.
 */
function expectDarmaBills(stdout: string): void {
  expect(stdout).toContain('PBB 12.75.040.003.009-1555.0 a.n. DA*** HU********');
  expect(stdout).not.toContain('DARMA HUTAGALUNG');
  expect(stdout).toMatch(/Belum lunas: 2024 Rp[\d.]+, 2026 Rp[\d.]+\n/);
  expect(stdout).toContain('Total tagihan termasuk denda: Rp');
  expect(stdout).toContain('Bayar di bank, kantor pos atau minimarket dengan menyebut NOP.');
  expect(stdout).toContain('Balas 1 Rincian, 2 Cek NOP lain, 3 Menu utama');
  // The detail asked for, its total before the years.
  const detail = stdout.slice(stdout.indexOf('Balas 1 Rincian'));
  expect(detail).toContain('PBB 12.75.040.003.009-1555.0 a.n. DA*** HU********, Jl. Veteran No. 93');
  expect(detail).toContain('2023 LUNAS Rp611.264');
  expect(detail).toContain('2024 Rp636.115 + denda 24 bln Rp152.668 = Rp788.783');
  expect(detail).toContain('2025 LUNAS Rp660.965');
  expect(detail).toContain('2026 Rp685.816 + denda');
  expect(detail.indexOf('Total tagihan termasuk denda: Rp')).toBeGreaterThan(0);
  expect(detail.indexOf('Total tagihan termasuk denda: Rp')).toBeLessThan(detail.indexOf('2023 LUNAS'));
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lk-cli-'));
}

describe('import and chat on the embedded database (no DATABASE_URL)', () => {
  let dataDir: string;
  let settings: Record<string, string>;

  beforeAll(() => {
    dataDir = tempDir();
    settings = { DATA_DIR: dataDir };
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'imports the demo ledger',
    async () => {
      const result = await importPbb(settings);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/rows read: +6000\n/);
      expect(result.stdout).toMatch(/inserted: +6000\n/);
      expect(result.stdout).toMatch(/rejected: +0\n/);
      expect(result.code).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'shows the bills of a NOP typed with dots and dash',
    async () => {
      const result = await chat(settings, 'pbb\n12.75.040.003.009-1555.0\n1\n');
      expect(result.stdout).toContain('Ketik NOP (18 digit)');
      expectDarmaBills(result.stdout);
      expect(result.stdout).toMatch(/\[SMS \d+ chars\]/);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'shows the same bills for the NOP typed as 18 bare digits',
    async () => {
      const result = await chat(settings, 'pbb\n127504000300915550\n1\n');
      expectDarmaBills(result.stdout);
      expect(result.code).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'answers a 17-digit NOP and an unknown NOP clearly',
    async () => {
      const result = await chat(settings, 'pbb\n12750400030091555\n127504000300915551\n', ['--channel', 'console']);
      expect(result.stdout).toContain('NOP harus 18 digit, yang Anda ketik 17 digit');
      expect(result.stdout).toContain('NOP 12.75.040.003.009-1555.1 tidak ditemukan');
      expect(result.stdout).not.toContain('Rp');
      expect(result.code).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'imports the same ledger again without adding a row',
    async () => {
      const result = await importPbb(settings);
      expect(result.stdout).toMatch(/inserted: +0\n/);
      expect(result.stdout).toMatch(/updated: +0\n/);
      expect(result.stdout).toMatch(/unchanged: +6000\n/);
      expect(result.code).toBe(0);

      // What the runs left behind, read as the next process would find it.
      const db = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
      try {
        expect(await db.prisma.taxObject.count()).toBe(1500);
        expect(await db.prisma.spptBill.count()).toBe(6000);
        // Three chats from the same default --from number: one citizen, every reply delivered.
        expect(await db.prisma.citizen.count()).toBe(1);
        expect(await db.prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
        // 3 + 3 + 3 messages typed, one reply each.
        expect(await db.prisma.outboxMessage.count()).toBe(9);
      } finally {
        await db.close();
      }
    },
    TIMEOUT,
  );
});

describe('import and chat on PostgreSQL (DATABASE_URL)', () => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgresql', { migrated: false });
    dataDir = tempDir();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'migrates, imports and answers a lookup',
    async () => {
      const settings = { DATABASE_URL: db.url!, DATA_DIR: dataDir };
      const imported = await importPbb(settings);
      expect(imported.stdout).toMatch(/inserted: +6000\n/);
      expect(imported.code).toBe(0);

      const result = await chat(settings, 'pbb\n12.75.040.003.009-1555.0\n1\n');
      expectDarmaBills(result.stdout);
      expect(result.code).toBe(0);

      expect(await db.prisma.spptBill.count()).toBe(6000);
      expect(await db.prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(3);
    },
    TIMEOUT,
  );
});

describe.concurrent('refusing bad input', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = tempDir();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    { name: 'PORT', value: 'abc' },
    { name: 'ROLES', value: 'foo' },
  ])(
    'exits non-zero when $name=$value, naming the variable',
    async ({ name, value }) => {
      const result = await chat({ DATA_DIR: dataDir, [name]: value }, 'pbb\n');
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('Invalid configuration');
      expect(result.stderr).toContain(`${name}: `);
      expect(result.stderr).toContain(`(got "${value}")`);
      expect(result.stdout).toBe('');
    },
    TIMEOUT,
  );

  it(
    'exits 2 on --from notaphone, saying why',
    async () => {
      const result = await chat({ DATA_DIR: dataDir }, 'pbb\n', ['--from', 'notaphone']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--from: "notaphone" is not a phone number');
      expect(result.stderr).toContain('Usage:');
    },
    TIMEOUT,
  );

  it(
    'exits 1 when the web port is taken, saying so, instead of running on without a server',
    async () => {
      const taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const port = String((taken.address() as net.AddressInfo).port);
      try {
        const result = await run('app/main.ts', [], { DATA_DIR: dataDir, ROLES: 'web', PORT: port, REDIS_URL: '' });
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toContain('EADDRINUSE');
      } finally {
        taken.close();
      }
    },
    TIMEOUT,
  );

  it(
    'exits 2 when the ledger file cannot be read',
    async () => {
      const result = await importPbb({ DATA_DIR: dataDir }, 'no/such/ledger.csv');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Cannot read no/such/ledger.csv');
    },
    TIMEOUT,
  );
});
