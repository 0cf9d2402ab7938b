import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../generated/prisma/client.js';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../../test/support/testDatabase.js';
import { DEFAULT_MIGRATIONS_DIR, migrate, MigrationError, type MigrationResult } from './migrate.js';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

const migrationFolders = readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(DEFAULT_MIGRATIONS_DIR, d.name, 'migration.sql')))
  .map((d) => d.name)
  .sort();

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of prisma/migrations in the system temp dir, for tests that edit or add migrations. */
function copyMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lk-migrations-'));
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const readMigrations = (db: TestDatabase) =>
  db.sql.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name',
  );

describe.each(DB_KINDS)('migrate on %s', (kind) => {
  let db: TestDatabase;
  let first: MigrationResult;
  const tempDirs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(kind, { migrated: false });
    first = await migrate(db.sql);
  });
  afterAll(async () => {
    await db?.drop();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every folder of prisma/migrations and records it as Prisma Migrate does', async () => {
    expect(migrationFolders.length).toBeGreaterThan(0);
    expect(first).toEqual({ applied: migrationFolders, alreadyApplied: [] });

    const rows = await readMigrations(db);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationFolders);
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.checksum).toBe(sha256(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql')));
    }
  });

  it('creates exactly one table per Prisma model (plus _prisma_migrations)', async () => {
    const tables = await db.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      [...Object.values(Prisma.ModelName), '_prisma_migrations'].sort(),
    );
  });

  it('applies nothing the second time', async () => {
    const second = await migrate(db.sql);
    expect(second).toEqual({ applied: [], alreadyApplied: migrationFolders });
    expect(await readMigrations(db)).toHaveLength(migrationFolders.length);
  });

  it('lets the generated client write and read back every model (SQL matches schema.prisma)', async () => {
    const p = db.prisma;
    const at = new Date('2026-11-28T03:04:05.678Z');
    const written = new Set<string>();
    const roundTrip = async <T>(model: Prisma.ModelName, create: () => Promise<T>, read: () => Promise<unknown>) => {
      const created = await create();
      expect(await read(), model).toEqual(created);
      written.add(model);
      return created;
    };

    await roundTrip(
      'Department',
      () =>
        p.department.create({
          data: { code: 'MIG', name: 'Dinas Migrasi', handles: ['permits', 'complaints:x'], retiredAt: at },
        }),
      () => p.department.findUniqueOrThrow({ where: { code: 'MIG' } }),
    );
    await roundTrip(
      'PermitType',
      () =>
        p.permitType.create({
          data: {
            code: 'MIG-P',
            nameId: 'Izin Migrasi',
            nameEn: 'Migration permit',
            online: true,
            slaHours: 24,
            slaWorkingDays: null,
            departmentCode: 'MIG',
            requirements: ['KTP', 'NPWP'],
            fields: [{ key: 'shop', label: { id: 'Toko', en: 'Shop' }, minLength: 3 }],
          },
        }),
      () => p.permitType.findUniqueOrThrow({ where: { code: 'MIG-P' } }),
    );
    await roundTrip(
      'ComplaintCategory',
      () =>
        p.complaintCategory.create({
          data: { code: 'mig', nameId: 'Migrasi', nameEn: 'Migration', slaWorkingDays: 5, departmentCode: 'MIG' },
        }),
      () => p.complaintCategory.findUniqueOrThrow({ where: { code: 'mig' } }),
    );
    const citizen = await roundTrip(
      'Citizen',
      () =>
        p.citizen.create({
          data: {
            language: 'en',
            fullName: 'Uji Migrasi',
            phone: '6281200009999',
            email: 'u@example.id',
            smsOptOut: true,
            privacyNoticeAt: at,
            emailNoticesOff: true,
            erasedAt: at,
          },
        }),
      () => p.citizen.findUniqueOrThrow({ where: { phone: '6281200009999' } }),
    );
    await roundTrip(
      'ChannelIdentity',
      () =>
        p.channelIdentity.create({
          data: { citizenId: citizen.id, channel: 'telegram', address: '123456789', createdAt: at, lastSeenAt: at },
        }),
      () =>
        p.channelIdentity.findUniqueOrThrow({
          where: { channel_address: { channel: 'telegram', address: '123456789' } },
        }),
    );
    await roundTrip(
      'Conversation',
      () =>
        p.conversation.create({
          data: {
            citizenId: citizen.id,
            state: { v: 1, flow: { name: 'menu' }, options: ['a', 'b'] },
            lastActivityAt: at,
          },
        }),
      () => p.conversation.findUniqueOrThrow({ where: { citizenId: citizen.id } }),
    );
    await roundTrip(
      'ProcessedInbound',
      () =>
        p.processedInbound.create({
          data: { channel: 'whatsapp', externalId: 'wamid.1', citizenId: citizen.id, receivedAt: at },
        }),
      () =>
        p.processedInbound.findUniqueOrThrow({
          where: { channel_externalId: { channel: 'whatsapp', externalId: 'wamid.1' } },
        }),
    );
    const officer = await roundTrip(
      'Officer',
      () =>
        p.officer.create({
          data: {
            name: 'Petugas Uji',
            role: 'inspectorate',
            departmentCode: 'MIG',
            channel: 'sms',
            address: '6281300001111',
            email: 'o@example.id',
            phone: '6281300001111',
            inviteCode: 'INV-1',
            active: false,
          },
        }),
      () => p.officer.findUniqueOrThrow({ where: { inviteCode: 'INV-1' } }),
    );
    const application = await roundTrip(
      'PermitApplication',
      () =>
        p.permitApplication.create({
          data: {
            trackingNumber: 'IZN-MIG-1',
            citizenId: citizen.id,
            permitTypeCode: 'MIG-P',
            departmentCode: 'MIG',
            status: 'needs_revision',
            applicantName: 'Uji Migrasi',
            nik: '1275014101900001',
            phone: '6281200009999',
            email: null,
            fields: { shop: 'Toko Uji', floors: 2 },
            submittedAt: at,
            deadlineAt: new Date('2026-11-29T03:04:05.678Z'),
            deadlineVersion: 3,
            slaPausedAt: at,
            assignedOfficerId: officer.id,
            closedAt: null,
            pseudonymisedAt: at,
          },
        }),
      () => p.permitApplication.findUniqueOrThrow({ where: { trackingNumber: 'IZN-MIG-1' } }),
    );
    const permitEvent = await roundTrip(
      'PermitEvent',
      () =>
        p.permitEvent.create({
          data: {
            applicationId: application.id,
            actorType: 'officer',
            actorId: officer.id,
            fromStatus: 'in_process',
            toStatus: 'needs_revision',
            note: 'lengkapi NPWP',
            createdAt: at,
          },
        }),
      () => p.permitEvent.findFirstOrThrow({ where: { applicationId: application.id } }),
    );
    expect(typeof permitEvent.id).toBe('bigint');
    const complaint = await roundTrip(
      'Complaint',
      () =>
        p.complaint.create({
          data: {
            trackingNumber: 'ADU-MIG-1',
            citizenId: citizen.id,
            categoryCode: 'mig',
            departmentCode: 'MIG',
            status: 'not_authority',
            description: 'Jalan berlubang',
            locationText: 'Jl. Merdeka',
            latitude: 3.5952,
            longitude: 98.6722,
            anonymous: true,
            deadlineAt: at,
            deadlineVersion: 1,
            assignedOfficerId: officer.id,
            rating: 4,
            ratingComment: 'cepat',
            closedAt: at,
            pseudonymisedAt: at,
          },
        }),
      () => p.complaint.findUniqueOrThrow({ where: { trackingNumber: 'ADU-MIG-1' } }),
    );
    await roundTrip(
      'ComplaintEvent',
      () =>
        p.complaintEvent.create({
          data: {
            complaintId: complaint.id,
            actorType: 'system',
            actorId: null,
            fromStatus: 'verified',
            toStatus: 'dispositioned',
            departmentCode: 'MIG',
            note: null,
            createdAt: at,
          },
        }),
      () => p.complaintEvent.findFirstOrThrow({ where: { complaintId: complaint.id } }),
    );
    const sha = 'a'.repeat(64);
    await roundTrip(
      'MediaFile',
      () =>
        p.mediaFile.create({
          data: { sha256: sha, path: 'media/aa/aaaa.jpg', mimeType: 'image/jpeg', sizeBytes: 123456 },
        }),
      () => p.mediaFile.findUniqueOrThrow({ where: { sha256: sha } }),
    );
    await roundTrip(
      'ComplaintAttachment',
      () => p.complaintAttachment.create({ data: { complaintId: complaint.id, sha256: sha, createdAt: at } }),
      () =>
        p.complaintAttachment.findUniqueOrThrow({
          where: { complaintId_sha256: { complaintId: complaint.id, sha256: sha } },
        }),
    );
    await roundTrip(
      'TaxObject',
      () =>
        p.taxObject.create({
          data: {
            nop: '127599900100100010',
            taxpayerName: 'UJI',
            address: 'Jl. Uji',
            landAreaM2: 100,
            buildingAreaM2: 0,
          },
        }),
      () => p.taxObject.findUniqueOrThrow({ where: { nop: '127599900100100010' } }),
    );
    const bill = await roundTrip(
      'SpptBill',
      () =>
        p.spptBill.create({
          data: {
            nop: '127599900100100010',
            year: 2026,
            // Above 2^53: only a real BIGINT column keeps every digit.
            njop: 9_007_199_254_740_993n,
            amountDue: 685_816n,
            dueDate: new Date('2026-08-31T00:00:00Z'),
            paidAt: new Date('2026-02-28T00:00:00Z'),
          },
        }),
      () => p.spptBill.findUniqueOrThrow({ where: { nop_year: { nop: '127599900100100010', year: 2026 } } }),
    );
    expect(bill.njop).toBe(9_007_199_254_740_993n);
    await roundTrip(
      'OutboxMessage',
      () =>
        p.outboxMessage.create({
          data: {
            citizenId: citizen.id,
            officerId: officer.id,
            channel: 'console',
            address: '6281200009999',
            language: 'en',
            replies: [
              { lines: [{ key: 'menu.title' }], options: [{ id: 'menu.pbb', label: { key: 'menu.option.pbb' } }] },
            ],
            urgent: true,
            status: 'suppressed',
            attempts: 2,
            lastError: 'opted out',
            providerMessageId: 'SM1',
            deliveryStatus: 'delivered',
            sentAt: at,
            nextAttemptAt: at,
            claimedAt: at,
            claimedBy: citizen.id,
            handedAt: at,
          },
        }),
      () => p.outboxMessage.findFirstOrThrow({ where: { citizenId: citizen.id } }),
    );
    const outbox = await p.outboxMessage.findFirstOrThrow({ where: { citizenId: citizen.id } });
    await roundTrip(
      'ProviderMessage',
      () =>
        p.providerMessage.create({
          data: { channel: 'console', providerMessageId: 'SM1', outboxMessageId: outbox.id, createdAt: at },
        }),
      () =>
        p.providerMessage.findUniqueOrThrow({
          where: {
            providerMessageId_channel_outboxMessageId: {
              providerMessageId: 'SM1',
              channel: 'console',
              outboxMessageId: outbox.id,
            },
          },
        }),
    );
    const fallback = await p.outboxMessage.create({
      data: { channel: 'console', address: outbox.address, language: 'id', replies: [], fallbackOfId: outbox.id },
    });
    expect(await p.outboxMessage.findUniqueOrThrow({ where: { id: outbox.id }, select: { fallback: true } })).toEqual({
      fallback,
    });
    // One fallback per row: a second is refused.
    await expect(
      p.outboxMessage.create({
        data: { channel: 'console', address: outbox.address, language: 'id', replies: [], fallbackOfId: outbox.id },
      }),
    ).rejects.toThrow();
    // Its triggers have bumped MIG already (the permit and the complaint above).
    await roundTrip(
      'CaseWatermark',
      () => p.caseWatermark.create({ data: { departmentCode: 'WM', version: 7n, changedAt: at } }),
      () => p.caseWatermark.findUniqueOrThrow({ where: { departmentCode: 'WM' } }),
    );
    await roundTrip(
      'WorkerHeartbeat',
      () => p.workerHeartbeat.create({ data: { id: officer.id, startedAt: at, beatAt: at } }),
      () => p.workerHeartbeat.findUniqueOrThrow({ where: { id: officer.id } }),
    );
    await roundTrip(
      'OfficerLoginCode',
      () =>
        p.officerLoginCode.create({
          data: {
            officerId: officer.id,
            challengeHash: 'b'.repeat(64),
            clientHash: 'c'.repeat(32),
            codeHash: 'a'.repeat(64),
            attempts: 1,
            expiresAt: at,
            usedAt: at,
            createdAt: at,
          },
        }),
      () => p.officerLoginCode.findFirstOrThrow({ where: { officerId: officer.id } }),
    );

    await roundTrip(
      'SlaNotice',
      () =>
        p.slaNotice.create({
          data: {
            timerId: `sla.complaint.${citizen.id}.v0.escalation.0`,
            caseKind: 'complaint',
            caseId: citizen.id,
            kind: 'escalation',
            firedAt: at,
          },
        }),
      () => p.slaNotice.findFirstOrThrow({ where: { caseId: citizen.id } }),
    );
    await roundTrip(
      'PersonalDataEvent',
      () =>
        p.personalDataEvent.create({
          data: {
            at,
            actorType: 'officer',
            actorId: officer.id,
            action: 'view',
            via: 'bot',
            citizenId: citizen.id,
            caseKind: 'permit',
            trackingNumber: 'IZN-MIG-1',
            fields: ['name', 'phone'],
          },
        }),
      () => p.personalDataEvent.findFirstOrThrow({ where: { citizenId: citizen.id } }),
    );
    // The trail is append-only, as the case trails are.
    await expect(p.personalDataEvent.deleteMany({ where: { citizenId: citizen.id } })).rejects.toThrow(/append-only/);
    await roundTrip(
      'DataCopyLink',
      () =>
        p.dataCopyLink.create({
          data: { tokenHash: 'd'.repeat(64), citizenId: citizen.id, createdAt: at, expiresAt: at, usedAt: at },
        }),
      () => p.dataCopyLink.findUniqueOrThrow({ where: { tokenHash: 'd'.repeat(64) } }),
    );
    await roundTrip(
      'RetentionRun',
      () => p.retentionRun.create({ data: { ranAt: at, report: { photos: 2, nik: 1 } } }),
      () => p.retentionRun.findFirstOrThrow({ where: { ranAt: at } }),
    );
    await roundTrip(
      'CitySync',
      () =>
        p.citySync.create({
          data: { checksum: 'a'.repeat(64), city: 'Kota Migrasi', syncedAt: at, retired: 2, deleted: 1 },
        }),
      () => p.citySync.findUniqueOrThrow({ where: { id: 1 } }),
    );
    // The email channel added by a later migration is a value the enum takes.
    await p.outboxMessage.create({
      data: { channel: 'email', address: 'inspektorat@kota.example', language: 'id', replies: [] },
    });

    expect([...written].sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it('keeps case events append-only: INSERT works, UPDATE and DELETE are refused by the trigger', async () => {
    const p = db.prisma;
    const at = new Date('2026-11-28T00:00:00Z');
    const citizen = await p.citizen.create({ data: {} });
    await p.department.upsert({
      where: { code: 'EVT' },
      create: { code: 'EVT', name: 'Dinas Uji', handles: [] },
      update: {},
    });
    await p.permitType.create({
      data: {
        code: 'EVT-P',
        nameId: 'x',
        nameEn: 'x',
        online: true,
        slaHours: 1,
        departmentCode: 'EVT',
        requirements: [],
      },
    });
    await p.complaintCategory.create({
      data: { code: 'evt', nameId: 'x', nameEn: 'x', slaWorkingDays: 1, departmentCode: 'EVT' },
    });
    const application = await p.permitApplication.create({
      data: {
        trackingNumber: 'IZN-EVT',
        citizenId: citizen.id,
        permitTypeCode: 'EVT-P',
        departmentCode: 'EVT',
        applicantName: 'x',
        nik: '1275014101900001',
        phone: '6281200000000',
        submittedAt: at,
        deadlineAt: at,
      },
    });
    const complaint = await p.complaint.create({
      data: {
        trackingNumber: 'ADU-EVT',
        citizenId: citizen.id,
        categoryCode: 'evt',
        departmentCode: 'EVT',
        description: 'x',
        deadlineAt: at,
      },
    });
    const permitEvent = await p.permitEvent.create({
      data: { applicationId: application.id, actorType: 'citizen', toStatus: 'submitted', createdAt: at },
    });
    const complaintEvent = await p.complaintEvent.create({
      data: { complaintId: complaint.id, actorType: 'citizen', toStatus: 'waiting', createdAt: at },
    });
    await p.permitEvent.create({
      data: {
        applicationId: application.id,
        actorType: 'officer',
        fromStatus: 'submitted',
        toStatus: 'verified',
        createdAt: at,
      },
    });
    expect(await p.permitEvent.count({ where: { applicationId: application.id } })).toBe(2);

    await expect(p.permitEvent.update({ where: { id: permitEvent.id }, data: { note: 'rewritten' } })).rejects.toThrow(
      /append-only: UPDATE on PermitEvent refused/,
    );
    await expect(p.permitEvent.delete({ where: { id: permitEvent.id } })).rejects.toThrow(
      /append-only: DELETE on PermitEvent refused/,
    );
    await expect(
      p.complaintEvent.update({ where: { id: complaintEvent.id }, data: { toStatus: 'done' } }),
    ).rejects.toThrow(/append-only: UPDATE on ComplaintEvent refused/);
    await expect(p.complaintEvent.deleteMany({ where: { complaintId: complaint.id } })).rejects.toThrow(
      /append-only: DELETE on ComplaintEvent refused/,
    );
    // Raw SQL gets no way around it either.
    await expect(db.sql.exec('DELETE FROM "PermitEvent"')).rejects.toThrow(/append-only/);

    expect(await p.permitEvent.findUniqueOrThrow({ where: { id: permitEvent.id } })).toEqual(permitEvent);
    expect(await p.complaintEvent.findUniqueOrThrow({ where: { id: complaintEvent.id } })).toEqual(complaintEvent);
  });

  it('moves the comma-joined provider ids of existing outbox rows into ProviderMessage, one row per id', async () => {
    const older = await createTestDatabase(kind, { migrated: false });
    try {
      const dir = copyMigrations();
      tempDirs.push(dir);
      const mine = '20261207100000_provider_messages';
      // The database as it was before this migration, with rows written then.
      rmSync(path.join(dir, mine), { recursive: true });
      await migrate(older.sql, dir);
      await older.sql.exec(`
        INSERT INTO "OutboxMessage" (id, channel, address, language, replies, "providerMessageId")
        VALUES ('00000000-0000-4000-8000-000000000001', 'sms', '6281200000001', 'id', '[]', 'SMa,SMb,SMc'),
               ('00000000-0000-4000-8000-000000000002', 'whatsapp', '6281200000002', 'id', '[]', 'wamid.X'),
               ('00000000-0000-4000-8000-000000000003', 'sms', '6281200000003', 'id', '[]', NULL)`);
      cpSync(path.join(DEFAULT_MIGRATIONS_DIR, mine), path.join(dir, mine), { recursive: true });
      await migrate(older.sql, dir);
      const rows = await older.prisma.providerMessage.findMany({
        orderBy: { providerMessageId: 'asc' },
        select: { channel: true, providerMessageId: true, outboxMessageId: true },
      });
      expect(rows).toEqual([
        { channel: 'sms', providerMessageId: 'SMa', outboxMessageId: '00000000-0000-4000-8000-000000000001' },
        { channel: 'sms', providerMessageId: 'SMb', outboxMessageId: '00000000-0000-4000-8000-000000000001' },
        { channel: 'sms', providerMessageId: 'SMc', outboxMessageId: '00000000-0000-4000-8000-000000000001' },
        { channel: 'whatsapp', providerMessageId: 'wamid.X', outboxMessageId: '00000000-0000-4000-8000-000000000002' },
      ]);
    } finally {
      await older.drop();
    }
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const name = migrationFolders[0]!;
    const file = path.join(dir, name, 'migration.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited afterwards\n`);

    const error = await migrate(db.sql, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(`migration ${name} was changed after it was applied`);
    // The record of what was applied is untouched.
    const row = (await readMigrations(db)).find((r) => r.migration_name === name);
    expect(row?.checksum).toBe(sha256(path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql')));
  });

  it('rolls back a broken migration, records it unfinished with its logs, and refuses to go on', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const name = '29991231235959_broken';
    mkdirSync(path.join(dir, name));
    writeFileSync(
      path.join(dir, name, 'migration.sql'),
      'CREATE TABLE "HalfDone" ("id" INTEGER);\nINSERT INTO "HalfDone" VALUES (1);\nSELECT "no_such_function"();\n',
    );

    const error = await migrate(db.sql, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(new RegExp(`migration ${name} failed: .*no_such_function`));

    const tables = await db.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'HalfDone'`);
    expect(tables).toEqual([]);
    const row = (await readMigrations(db)).find((r) => r.migration_name === name);
    expect(row).toBeDefined();
    expect(row!.finished_at).toBeNull();
    expect(row!.applied_steps_count).toBe(0);
    expect(row!.logs).toMatch(/no_such_function/);
    expect(row!.checksum).toBe(sha256(path.join(dir, name, 'migration.sql')));

    // Still usable afterwards: not left inside an aborted transaction.
    expect(await db.prisma.citizen.count()).toBeGreaterThan(0);
    await expect(migrate(db.sql, dir)).rejects.toThrow(`migration ${name} failed earlier`);
    // The default folder (without the broken one) is still fully applied.
    expect(await migrate(db.sql)).toEqual({ applied: [], alreadyApplied: migrationFolders });
  });
});
