import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, defaultCity, type TestDatabase } from '../../test/support/testDatabase.js';
import { prismaSession, statement } from '../db/statements.js';
import { parseTrackingNumber } from '../domain/trackingNumber.js';
import { CLOCK_NAMES } from '../sla/caseClocks.js';
import {
  CASE_KIND_LIST,
  caseRowColumns,
  caseRowOf,
  clocksOf,
  kindOfLetter,
  slaCasesOf,
  type CaseRow,
} from './caseKinds.js';
import { submitComplaint } from './complaintService.js';
import { submitPermit } from './permitService.js';
import { recordCaseNote } from './recordCaseNote.js';

const T0 = new Date('2026-11-23T02:00:00.000Z'); // Mon 23 Nov 2026 09:00 WIB

describe('the case kinds described once', () => {
  it.each(CASE_KIND_LIST)('$kind: its lifecycle names only its own statuses, and its letter finds it', (spec) => {
    expect(Object.keys(spec.transitions).sort()).toEqual([...spec.statuses].sort());
    for (const to of Object.values(spec.transitions).flat()) expect(spec.statuses).toContain(to);
    for (const s of [...spec.openStatuses, ...spec.pausedStatuses, ...spec.noteRequired])
      expect(spec.statuses).toContain(s);
    // A paused case is not open: its clock waits.
    expect(spec.openStatuses.filter((s) => spec.pausedStatuses.includes(s))).toEqual([]);
    expect(spec.clocks.at(-1)).toBe('resolve');
    for (const c of spec.clocks) expect(CLOCK_NAMES).toContain(c);
    expect(kindOfLetter(spec.letter)).toBe(spec);
    expect(spec.catalogue(defaultCity).length).toBeGreaterThan(0);
  });

  it('gives every kind its own letter', () => {
    expect(new Set(CASE_KIND_LIST.map((k) => k.letter)).size).toBe(CASE_KIND_LIST.length);
  });
});

describe.each(DB_KINDS)('the case kinds against the schema (%s)', (dbKind) => {
  let db: TestDatabase;
  let citizenId: string;
  beforeAll(async () => {
    db = await createTestDatabase(dbKind);
    citizenId = (await db.prisma.citizen.create({ data: { phone: '6281298765432' } })).id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each(CASE_KIND_LIST)('$kind: its statuses are its enum, its tables and columns exist', async (spec) => {
    const sql = prismaSession(db.prisma);
    const [enumRow] = await sql.query<{ values: string[] }>(
      statement(`test_enum_${spec.kind}`, `SELECT enum_range(NULL::${spec.sql.statusType})::text[] AS values`),
      [],
    );
    expect([...enumRow!.values].sort()).toEqual([...spec.statuses].sort());
    // Every column the description names, in the table it names.
    const named = [
      ...Object.values(spec.sql.columns).map((c) => [spec.sql.table, `"${c}"`]),
      [spec.sql.table, spec.sql.searchColumn],
      [spec.sql.eventTable, spec.sql.eventCaseColumn],
      ...(spec.sql.eventDepartmentColumn ? [[spec.sql.eventTable, spec.sql.eventDepartmentColumn]] : []),
      ...(spec.sql.attachments ? [[spec.sql.attachments.table, spec.sql.attachments.caseColumn]] : []),
    ];
    const unquote = (name: string) => name.replace(/^"|"$/g, '');
    const columns = await sql.query<{ table_name: string; column_name: string }>(
      statement('test_columns', `SELECT table_name::text, column_name::text FROM information_schema.columns`),
      [],
    );
    const have = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    for (const [table, column] of named) expect(have).toContain(`${unquote(table!)}.${unquote(column!)}`);
  });

  it('reads a permit and a complaint the same through its SQL columns and from the services’ records', async () => {
    const type = defaultCity.permitTypes.find((t) => t.online)!;
    const category = defaultCity.complaintCategories[0]!;
    const { permit, complaint } = await db.prisma.$transaction(async (tx) => {
      const p = await submitPermit(
        tx,
        defaultCity,
        {
          citizenId,
          typeCode: type.code,
          applicantName: 'Siti Rahmawati Nasution',
          nik: '1275014501900007',
          phone: '6281298765432',
          email: 'siti@contoh.id',
          fields: {},
        },
        T0,
      );
      const c = await submitComplaint(
        tx,
        defaultCity,
        {
          citizenId,
          categoryCode: category.code,
          description: 'Lampu jalan mati di depan masjid',
          locationText: 'Jl. Merdeka 5',
          latitude: -6.2,
          longitude: 106.8,
          anonymous: false,
          photos: [],
        },
        T0,
      );
      return { permit: p, complaint: c };
    });
    const filed = { permit, complaint };
    for (const spec of CASE_KIND_LIST) {
      const { trackingNumber } = filed[spec.kind];
      expect(parseTrackingNumber(trackingNumber)).toMatchObject({ ok: true, kind: spec.kind });
      const [viaSql] = await prismaSession(db.prisma).query<CaseRow>(
        statement(
          `test_case_row_${spec.kind}`,
          `SELECT ${caseRowColumns(spec.kind)} FROM ${spec.sql.table} x WHERE x."trackingNumber" = $1`,
        ),
        [trackingNumber],
      );
      const record =
        spec.kind === 'permit'
          ? await db.prisma.permitApplication.findUniqueOrThrow({ where: { trackingNumber } })
          : await db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber } });
      expect(caseRowOf(spec.kind, record)).toEqual(viaSql);
      expect(viaSql).toMatchObject({ kind: spec.kind, citizenId, filedAt: T0, status: spec.statuses[0] });
      // Its clocks are the ones the kind keeps, all started at filing and running.
      expect(clocksOf(viaSql!).map((k) => k.clock)).toEqual(spec.clocks);
      expect(slaCasesOf(viaSql!).every((k) => k.running && k.startedAt.getTime() === T0.getTime())).toBe(true);

      // A note leaves the status where it is, on the kind's own trail.
      await recordCaseNote(db.prisma, viaSql!, { type: 'system' }, 'Dicek di lapangan', T0);
      const [event] = await prismaSession(db.prisma).query<{ fromStatus: string; toStatus: string; note: string }>(
        statement(
          `test_last_event_${spec.kind}`,
          `SELECT "fromStatus"::text AS "fromStatus", "toStatus"::text AS "toStatus", note
           FROM ${spec.sql.eventTable} WHERE ${spec.sql.eventCaseColumn} = $1::uuid ORDER BY id DESC LIMIT 1`,
        ),
        [viaSql!.id],
      );
      expect(event).toEqual({ fromStatus: viaSql!.status, toStatus: viaSql!.status, note: 'Dicek di lapangan' });
    }
  });
});
