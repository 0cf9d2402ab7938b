import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitPermit } from '../../core/cases/permitService.js';
import type { InboundEvent } from '../../core/conversation/types.js';
import type { OfficerRole } from '../../core/generated/prisma/client.js';
import { handleInbound } from '../../core/inbox/handleInbound.js';
import { getJson, seedOfficer, signIn } from '../support/commandCenter.js';
import { FakeTwilioApi } from '../support/fakeTwilio.js';
import { createOpenApiValidator } from '../support/openApiValidator.js';
import { startApp, type TestApp } from '../support/startApp.js';
import { fileComplaint } from '../support/fileComplaint.js';

// Who may do what, as one table: role x department x action, over the Command Center's JSON API
// (signed in through the real sign-in) and the bots' officer commands (the neutral event a
// channel hands the inbox). A refused command changes nothing in the database.

const SECRET = 'authorization-table-secret-0123456789abcd';
const openapi = createOpenApiValidator();
const ALL = ['DINKES', 'DLH', 'DPMPTSP'];

type Who =
  | 'dlhOfficer'
  | 'dlhSupervisor'
  | 'dinkesOfficer'
  | 'inspectorate'
  | 'admin'
  | 'noDepartment'
  | 'deactivated'
  | 'stranger';

const OFFICERS: Record<
  Exclude<Who, 'stranger'>,
  { role: OfficerRole; departmentCode: string | null; phone: string }
> = {
  dlhOfficer: { role: 'officer', departmentCode: 'DLH', phone: '6281100000401' },
  dlhSupervisor: { role: 'supervisor', departmentCode: 'DLH', phone: '6281100000402' },
  dinkesOfficer: { role: 'officer', departmentCode: 'DINKES', phone: '6281100000403' },
  inspectorate: { role: 'inspectorate', departmentCode: null, phone: '6281100000404' },
  admin: { role: 'admin', departmentCode: null, phone: '6281100000405' },
  noDepartment: { role: 'officer', departmentCode: null, phone: '6281100000406' },
  deactivated: { role: 'officer', departmentCode: 'DLH', phone: '6281100000407' },
};
const STRANGER_PHONE = '6281100000499';

describe('the authorisation table', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  const cookies: Partial<Record<Who, string>> = {};
  const cases = { dlh: '', dinkes: '', permit: '' };
  let serial = 0;

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'6'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: SECRET,
      },
      { twilioHttpClient: api.httpClient() },
    );
    const prisma = app.core.db.prisma;
    for (const [who, o] of Object.entries(OFFICERS)) {
      await seedOfficer(app, { name: `Petugas ${who}`, ...o });
      cookies[who as Who] = await signIn(app, api, o.phone);
    }
    // Signed in before being deactivated: the cookie must stop working.
    await prisma.officer.updateMany({ where: { phone: OFFICERS.deactivated.phone }, data: { active: false } });

    const citizen = await prisma.citizen.create({ data: { phone: '6281355550400', fullName: 'Warga Tabel' } });
    const file = (categoryCode: string, description: string) =>
      fileComplaint(prisma, app.core.city, {
        citizenId: citizen.id,
        categoryCode,
        description,
        place: 'Gang Mawar',
        now: app.clock.now,
      });
    cases.dlh = (await file('sampah', 'Sampah menumpuk di depan sekolah sejak seminggu')).trackingNumber;
    cases.dinkes = (await file('kesehatan', 'Puskesmas kehabisan obat untuk anak-anak')).trackingNumber;
    const permit = await prisma.$transaction((tx) =>
      submitPermit(
        tx,
        app.core.city,
        {
          citizenId: citizen.id,
          typeCode: 'SIUP',
          applicantName: 'Warga Tabel',
          nik: '1275014501900007',
          phone: '6281355550400',
          email: null,
          fields: { businessName: 'Toko Tabel' },
        },
        app.clock.now,
      ),
    );
    cases.permit = permit.trackingNumber;
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  describe('the JSON API', () => {
    const signedIn = ['dlhOfficer', 'dlhSupervisor', 'dinkesOfficer', 'inspectorate', 'admin', 'noDepartment'] as const;
    const refused = ['deactivated', 'stranger'] as const;
    const departmentsOf = (body: unknown) =>
      [...new Set((body as { cases: Array<{ departmentCode: string }> }).cases.map((c) => c.departmentCode))].sort();

    it.each([
      ...signedIn.map((who) => ({ who, path: '/api/me', status: 200 })),
      ...refused.map((who) => ({ who, path: '/api/me', status: 401 })),
      ...refused.map((who) => ({ who, path: '/api/cases', status: 401 })),
      ...refused.map((who) => ({ who, path: '/api/stats', status: 401 })),
      // The TV wall is open without TV_WALL_TOKEN, and holds no personal data.
      ...[...signedIn, ...refused].map((who) => ({ who, path: '/api/board/tv', status: 200 })),
    ])('$who: GET $path answers $status', async ({ who, path, status }) => {
      const answer = await getJson(app, path, cookies[who]);
      expect(answer.status).toBe(status);
      expect(openapi.errors('get', path, status, answer.body)).toEqual([]);
    });

    it.each([
      { who: 'dlhOfficer', query: '', departments: ['DLH'] },
      { who: 'dlhOfficer', query: '?department=DINKES', departments: [] },
      { who: 'dlhOfficer', query: '?kind=permit', departments: [] },
      { who: 'dlhSupervisor', query: '', departments: ['DLH'] },
      { who: 'dinkesOfficer', query: '', departments: ['DINKES'] },
      { who: 'dinkesOfficer', query: '?department=DLH', departments: [] },
      { who: 'noDepartment', query: '', departments: [] },
      { who: 'inspectorate', query: '', departments: ALL },
      { who: 'admin', query: '', departments: ALL },
      { who: 'admin', query: '?department=DINKES', departments: ['DINKES'] },
    ] as const)('$who: GET /api/cases$query shows $departments', async ({ who, query, departments }) => {
      const answer = await getJson(app, `/api/cases${query}`, cookies[who]);
      expect(answer.status).toBe(200);
      expect(openapi.errors('get', '/api/cases', 200, answer.body)).toEqual([]);
      expect(departmentsOf(answer.body)).toEqual(departments);
    });

    it.each([
      { who: 'dlhOfficer', departments: ['DLH'] },
      { who: 'dinkesOfficer', departments: ['DINKES'] },
      { who: 'noDepartment', departments: [] },
      { who: 'admin', departments: 'all' },
      { who: 'inspectorate', departments: 'all' },
    ] as const)('$who: GET /api/stats covers $departments', async ({ who, departments }) => {
      const answer = await getJson(app, '/api/stats', cookies[who]);
      expect(answer.status).toBe(200);
      const codes = (answer.body as { departments: Array<{ code: string }> }).departments.map((d) => d.code);
      if (departments === 'all') expect(codes).toEqual(expect.arrayContaining(ALL));
      else expect(codes).toEqual(departments);
    });

    it.each([...signedIn.map((who) => ({ who, status: 200 })), ...refused.map((who) => ({ who, status: 401 }))])(
      '$who: GET /api/events answers $status',
      async ({ who, status }) => {
        const abort = new AbortController();
        const cookie = cookies[who];
        const res = await fetch(`${app.baseUrl}/api/events`, {
          headers: cookie ? { cookie } : {},
          signal: abort.signal,
        });
        try {
          expect(res.status).toBe(status);
        } finally {
          abort.abort();
        }
      },
    );
  });

  describe('the officer commands in the bots', () => {
    const phoneOf = (who: Who) => (who === 'stranger' ? STRANGER_PHONE : OFFICERS[who].phone);

    /** Everything an officer command could change, but the answer to the sender. */
    async function snapshot(who: Who) {
      const prisma = app.core.db.prisma;
      return {
        complaints: await prisma.complaint.findMany({ orderBy: { trackingNumber: 'asc' } }),
        permits: await prisma.permitApplication.findMany({ orderBy: { trackingNumber: 'asc' } }),
        complaintEvents: await prisma.complaintEvent.count(),
        permitEvents: await prisma.permitEvent.count(),
        outbox: await prisma.outboxMessage.count({ where: { address: { not: phoneOf(who) } } }),
        officers: await prisma.officer.findMany({ orderBy: { phone: 'asc' } }),
      };
    }

    /** A message from the sender's SMS number into the inbox; returns the keys of the answer. */
    async function send(who: Who, text: string, choice?: string): Promise<string[]> {
      // A minute apart, as an officer types: no flood limit decides these rows.
      app.clock.now = new Date(app.clock.now.getTime() + 60_000);
      const event: InboundEvent = {
        channel: 'sms',
        address: phoneOf(who),
        text,
        ...(choice ? { choice } : {}),
        externalId: `authz-${++serial}`,
        receivedAt: app.clock.now,
      };
      const outcome = await handleInbound(app.core.inbox, event);
      expect(outcome.status).toBe('handled');
      return outcome.status === 'handled' ? outcome.replies.flatMap((r) => r.lines.map((l) => l.key)) : [];
    }

    type Row = { label: string; who: Who; text: (c: typeof cases) => string; choice?: boolean; refusal: string };
    const refusals: Row[] = [
      {
        label: 'claims another department case',
        who: 'dlhOfficer',
        text: (c) => `/ambil ${c.dinkes}`,
        refusal: 'officer.notYours',
      },
      {
        label: 'claims it by button',
        who: 'dlhOfficer',
        text: (c) => `off.claim:${c.dinkes}`,
        choice: true,
        refusal: 'officer.notYours',
      },
      {
        label: 'moves another department case',
        who: 'dlhOfficer',
        text: (c) => `/status ${c.dinkes} selesai beres`,
        refusal: 'officer.notYours',
      },
      {
        label: 'replies on another department case',
        who: 'dlhOfficer',
        text: (c) => `/balas ${c.dinkes} Kami datang besok`,
        refusal: 'officer.notYours',
      },
      {
        label: 'forwards another department case',
        who: 'dlhOfficer',
        text: (c) => `/teruskan ${c.dinkes} DLH`,
        refusal: 'officer.notYours',
      },
      {
        label: 'reads another department timeline',
        who: 'dlhOfficer',
        text: (c) => `/riwayat ${c.dinkes}`,
        refusal: 'officer.notYours',
      },
      {
        label: 'finishes a permit of another department',
        who: 'dlhSupervisor',
        text: (c) => `/selesai ${c.permit} beres`,
        refusal: 'officer.notYours',
      },
      {
        label: 'rejects another department case',
        who: 'dinkesOfficer',
        text: (c) => `/tolak ${c.dlh} bukan urusan kami`,
        refusal: 'officer.notYours',
      },
      {
        label: 'claims without a department',
        who: 'noDepartment',
        text: (c) => `/ambil ${c.dlh}`,
        refusal: 'officer.notYours',
      },
      {
        label: 'changes a status (reads only)',
        who: 'inspectorate',
        text: (c) => `/status ${c.dlh} proses`,
        refusal: 'officer.readOnly',
      },
      {
        label: 'claims (reads only)',
        who: 'inspectorate',
        text: (c) => `/ambil ${c.dinkes}`,
        refusal: 'officer.readOnly',
      },
      { label: 'rejects (reads only)', who: 'admin', text: (c) => `/tolak ${c.dlh} spam`, refusal: 'officer.readOnly' },
      {
        label: 'replies to a citizen (reads only)',
        who: 'admin',
        text: (c) => `/balas ${c.permit} Halo`,
        refusal: 'officer.readOnly',
      },
      {
        label: 'sends an officer command',
        who: 'stranger',
        text: (c) => `/status ${c.dlh} selesai`,
        refusal: 'officer.notOfficer',
      },
      { label: 'asks for the queue', who: 'stranger', text: () => '/antrian', refusal: 'officer.notOfficer' },
      {
        label: 'claims after deactivation',
        who: 'deactivated',
        text: (c) => `/ambil ${c.dlh}`,
        refusal: 'officer.notOfficer',
      },
      {
        label: 'moves after deactivation',
        who: 'deactivated',
        text: (c) => `/status ${c.dlh} proses`,
        refusal: 'officer.notOfficer',
      },
    ];

    it.each(refusals)('$who $label: refused, nothing changed', async ({ who, text, choice, refusal }) => {
      const before = await snapshot(who);
      const typed = text(cases);
      const keys = choice ? await send(who, '', typed) : await send(who, typed);
      expect(keys).toEqual([refusal]);
      expect(await snapshot(who)).toEqual(before);
    });

    const allowed: Array<Omit<Row, 'refusal'> & { answer: string; changes: boolean }> = [
      {
        label: 'reads any timeline',
        who: 'inspectorate',
        text: (c) => `/riwayat ${c.dinkes}`,
        answer: 'officer.timelineHeader',
        changes: false,
      },
      {
        label: 'reads any timeline',
        who: 'admin',
        text: (c) => `/riwayat ${c.permit}`,
        answer: 'officer.timelineHeader',
        changes: false,
      },
      {
        label: 'claims a case of the department',
        who: 'dlhOfficer',
        text: (c) => `/ambil ${c.dlh}`,
        answer: 'officer.claimed',
        changes: true,
      },
      {
        label: 'moves a case of the department',
        who: 'dlhSupervisor',
        text: (c) => `/status ${c.dlh} verifikasi`,
        answer: 'officer.moved',
        changes: true,
      },
      {
        label: 'claims a case of the department',
        who: 'dinkesOfficer',
        text: (c) => `/ambil ${c.dinkes}`,
        answer: 'officer.claimed',
        changes: true,
      },
    ];

    it.each(allowed)('$who $label: allowed', async ({ who, text, answer, changes }) => {
      const before = await snapshot(who);
      const keys = await send(who, text(cases));
      expect(keys[0]).toBe(answer);
      const after = await snapshot(who);
      if (changes) expect(after.complaintEvents).toBeGreaterThan(before.complaintEvents);
      else expect(after).toEqual(before);
    });
  });
});
