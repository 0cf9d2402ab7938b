import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CAPABILITIES } from '../bots/channels.js';
import { boot, type Core } from '../core/boot.js';
import { loadConfig } from '../core/config/loadConfig.js';
import type { InboundEvent } from '../core/conversation/types.js';
import { handleInbound, type InboundOutcome } from '../core/inbox/handleInbound.js';
import { findOfficerByHandle } from '../core/officers/findOfficerByHandle.js';
import { runCommand, TSX } from './support/runCommand.js';
import { captureLogger } from './support/silentLogger.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// `npm run officer -- add ...` as a city's operator runs it, on a fresh PostgreSQL database, and
// the invitation it prints used once from the officer's chat. The chat message goes straight into
// the inbox as the neutral event a channel hands over; test/officers.test.ts covers the Telegram way.
// Each run starts tsx and boots the core (2-5 s), so runs are few and timeouts generous.

const TIMEOUT = 60_000;
const OFFICER_CHAT = '612000001';
const OTHER_CHAT = '612000002';
// The CLI's alphabet: no 0/O or 1/I/L.
const INVITATION = /Invitation code: ([2-9A-HJKMNP-Z]{8}) {2}\(the officer sends "\/daftar \1" to the bot once\)/;

describe('npm run officer: adding an officer and the invitation code', () => {
  let db: TestDatabase;
  let core: Core;
  let dataDir: string;
  let settings: Record<string, string>;
  let logLines: string[];
  let serial = 0;
  let invitation = '';
  const now = new Date('2026-11-25T03:00:00.000Z');

  const officerCli = (args: string[]) => runCommand(TSX, ['core/officers/officerCli.ts', ...args], settings);

  /** A message from a chat account into the inbox; returns the translation keys of the answer. */
  async function fromChat(address: string, text: string): Promise<{ keys: string[]; outcome: InboundOutcome }> {
    const event: InboundEvent = {
      channel: 'telegram',
      address,
      text,
      externalId: `cli-test-${++serial}`,
      receivedAt: now,
    };
    const outcome = await handleInbound(core.inbox, event);
    const keys = outcome.status === 'handled' ? outcome.replies.flatMap((r) => r.lines.map((l) => l.key)) : [];
    return { keys, outcome };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lk-officer-cli-'));
    db = await createTestDatabase('postgresql', { migrated: false });
    settings = { DATABASE_URL: db.url!, DATA_DIR: dataDir };
    const captured = captureLogger();
    logLines = captured.lines;
    core = await boot(loadConfig({ ...settings, LOG_LEVEL: 'debug' }), {
      logger: captured.logger,
      clock: () => now,
      channels: CHANNEL_CAPABILITIES,
    });
  });
  afterAll(async () => {
    await core?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'adds an officer of a department without a chat account and prints an invitation code',
    async () => {
      const run = await officerCli(['add', '--name', 'Dewi Lestari', '--role', 'officer', '--department', 'PUPR']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Officer Dewi Lestari \(officer, PUPR\) added: [0-9a-f-]{36}$/m);
      invitation = INVITATION.exec(run.stdout)?.[1] ?? '';
      expect(invitation).toHaveLength(8);

      const stored = await core.db.prisma.officer.findUniqueOrThrow({ where: { inviteCode: invitation } });
      expect(stored).toMatchObject({
        name: 'Dewi Lestari',
        role: 'officer',
        departmentCode: 'PUPR',
        channel: null,
        address: null,
        active: true,
      });
    },
    TIMEOUT,
  );

  it('links the chat that sends /daftar with the code (as typed, in small letters too), once', async () => {
    const linked = await fromChat(OFFICER_CHAT, `/daftar ${invitation.toLowerCase()}`);
    expect(linked.keys).toEqual(['officer.registered', 'officer.help']);
    expect(linked.outcome).toMatchObject({
      status: 'handled',
      replies: [{ lines: [{ params: { name: 'Dewi Lestari', role: 'officer' } }, {}] }],
    });
    const officer = await core.db.prisma.officer.findFirstOrThrow({ where: { name: 'Dewi Lestari' } });
    expect(officer).toMatchObject({ channel: 'telegram', address: OFFICER_CHAT, inviteCode: null });
    expect(logLines.some((l) => l.includes('officer linked to chat account'))).toBe(true);

    // The code is spent: another chat sending it again is refused and the link stays.
    const again = await fromChat(OTHER_CHAT, `/daftar ${invitation}`);
    expect(again.keys).toEqual(['officer.badInvite']);
    expect(logLines.some((l) => l.includes('officer invitation code refused'))).toBe(true);
    expect(await core.db.prisma.officer.findUniqueOrThrow({ where: { id: officer.id } })).toMatchObject({
      channel: 'telegram',
      address: OFFICER_CHAT,
    });
    expect(await core.db.prisma.officer.count({ where: { address: OTHER_CHAT } })).toBe(0);
    // The linked officer sending it again is told they are registered already.
    expect((await fromChat(OFFICER_CHAT, `/daftar ${invitation}`)).keys).toEqual(['officer.alreadyRegistered']);
    // From now on the chat is the officer's: a command is answered as an officer's.
    expect((await fromChat(OFFICER_CHAT, '/antrian')).keys).toEqual(['officer.queueEmpty']);
  });

  it(
    'lists the officer as linked, the chat address masked',
    async () => {
      const run = await officerCli(['list']);
      expect(run.code).toBe(0);
      const row = run.stdout.split('\n').find((l) => l.endsWith('Dewi Lestari'));
      expect(row).toMatch(/active +officer +PUPR +telegram:\*{5}0001 /);
      expect(run.stdout).not.toContain(OFFICER_CHAT);
    },
    TIMEOUT,
  );

  it(
    'changes an officer role and department, which ends their Command Center sessions',
    async () => {
      const before = await core.db.prisma.officer.findFirstOrThrow({ where: { name: 'Dewi Lestari' } });
      const run = await officerCli(['change', before.id, '--role', 'supervisor', '--department', 'DLH']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `Officer ${before.id} is now supervisor, DLH; their Command Center sessions are ended.`,
      );
      const after = await core.db.prisma.officer.findUniqueOrThrow({ where: { id: before.id } });
      expect(after).toMatchObject({ role: 'supervisor', departmentCode: 'DLH', active: true });
      expect(after.sessionVersion).toBe(before.sessionVersion + 1);

      const refused = await officerCli(['change', before.id, '--department', 'none']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--department is required for the role supervisor');
      expect(await core.db.prisma.officer.findUniqueOrThrow({ where: { id: before.id } })).toEqual(after);
    },
    TIMEOUT,
  );

  it(
    'refuses an officer without --department, exit code 2, naming the missing option; nothing is added',
    async () => {
      const before = await core.db.prisma.officer.count();
      const run = await officerCli(['add', '--name', 'Tanpa Dinas', '--role', 'officer']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--department is required for the role officer');
      expect(run.stderr).toContain('Usage:');
      expect(run.stdout).not.toContain('Invitation code');
      expect(await core.db.prisma.officer.count()).toBe(before);
    },
    TIMEOUT,
  );

  it(
    'refuses a department the city does not have, exit code 2',
    async () => {
      const before = await core.db.prisma.officer.count();
      const run = await officerCli(['add', '--name', 'Dinas Salah', '--role', 'supervisor', '--department', 'PUPRX']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("--department PUPRX is not in the city's departments.json");
      expect(await core.db.prisma.officer.count()).toBe(before);
    },
    TIMEOUT,
  );

  describe('phones, emails and duplicates', () => {
    const INA = ['add', '--name', 'Ina Purba', '--role', 'officer', '--department', 'DLH'];

    it(
      'stores a phone typed with dashes, and an SMS address typed with spaces, as sign-in by phone matches them',
      async () => {
        const run = await officerCli([
          ...INA,
          '--phone',
          '0812-3456-7890',
          '--channel',
          'sms',
          '--address',
          '+62 812 3456 7890',
          '--email',
          'ina.purba@kota.go.id',
        ]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const stored = await core.db.prisma.officer.findFirstOrThrow({ where: { name: 'Ina Purba' } });
        expect(stored).toMatchObject({ phone: '6281234567890', channel: 'sms', address: '6281234567890' });
        expect(stored.email).toBe('ina.purba@kota.go.id');
        // Sign-in finds her by her phone however she types it.
        for (const handle of ['0812-3456-7890', '+62 812 3456 7890', '6281234567890']) {
          expect((await findOfficerByHandle(core.db.prisma, handle))?.id).toBe(stored.id);
        }
      },
      TIMEOUT,
    );

    it.each([
      { label: 'the same phone, typed otherwise', args: ['--phone', '62 812 3456 7890'], what: 'phone *********7890' },
      {
        label: 'the same chat account',
        args: ['--channel', 'telegram', '--address', OFFICER_CHAT],
        what: 'telegram account *****0001',
      },
      { label: 'the same email in capitals', args: ['--email', 'Ina.Purba@Kota.go.id'], what: 'email' },
    ])(
      'refuses a second officer with $label: exit code 1, nothing added',
      async ({ args, what }) => {
        const before = await core.db.prisma.officer.count();
        const run = await officerCli([
          'add',
          '--name',
          'Ina Purba Dua',
          '--role',
          'officer',
          '--department',
          'DLH',
          ...args,
        ]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`An officer with this ${what} exists already: `);
        expect(run.stderr).toContain('Nothing was added');
        expect(run.stdout).toBe('');
        expect(await core.db.prisma.officer.count()).toBe(before);
      },
      TIMEOUT,
    );

    it.each([
      {
        label: 'an email without a domain',
        args: ['--email', 'ina@'],
        problem: '--email ina@ is not an email address',
      },
      {
        label: 'a phone of letters',
        args: ['--phone', 'nomor saya'],
        problem: '--phone nomor saya is not a phone number',
      },
    ])(
      'refuses $label: exit code 2, nothing added',
      async ({ args, problem }) => {
        const before = await core.db.prisma.officer.count();
        const run = await officerCli([
          'add',
          '--name',
          'Salah Ketik',
          '--role',
          'officer',
          '--department',
          'DLH',
          ...args,
        ]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(problem);
        expect(await core.db.prisma.officer.count()).toBe(before);
      },
      TIMEOUT,
    );
  });
});
