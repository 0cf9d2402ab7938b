import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodFigures } from '../app/commandCenter/caseReport.js';
import { changeCaseStatus } from '../core/cases/changeCaseStatus.js';
import { submitPermit } from '../core/cases/permitService.js';
import { formatDateTime, localDate } from '../core/domain/calendarDate.js';
import { getJson, seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { fileComplaint } from './support/fileComplaint.js';
import { createOpenApiValidator } from './support/openApiValidator.js';
import { startApp, type TestApp } from './support/startApp.js';

// A case's page and the period reports over HTTP against the whole app: the timeline after real
// status changes, deadlines in city time with the zone's label, scope, and report figures
// checked against counts made here from the rows themselves.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const openapi = createOpenApiValidator();

interface Detail {
  case: {
    trackingNumber: string;
    statusLabel: string;
    holder: { name: string } | null;
    clocks: Array<{ clock: string; deadlineAt: { at: string; text: string }; state: string }>;
    timeline: Array<{
      at: { at: string; text: string };
      actor: { type: string; name: string | null };
      fromStatus: string | null;
      toStatus: string;
      toStatusLabel: string;
      note: string | null;
    }>;
  };
}
type Figures = PeriodFigures;
interface Report {
  from: string;
  to: string;
  totals: Figures & { ageing: Record<string, number> };
  departments: Array<Figures & { code: string }>;
  officers: Array<{ id: string; closed: number; open: number }>;
}

describe('the case page and the reports', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  const cookies: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const tn: Record<string, string> = {};
  const now = new Date('2026-11-20T05:00:00Z');

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'6'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: 'case-reports-session-secret-0123456789',
      },
      { twilioHttpClient: api.httpClient() },
    );
    app.clock.now = now;
    const prisma = app.core.db.prisma;
    const city = app.core.city;
    const phones = { dlh: '6281100000301', dinkes: '6281100000302', admin: '6281100000303' };
    ids.dlh = (
      await seedOfficer(app, { name: 'Rina DLH', role: 'supervisor', departmentCode: 'DLH', phone: phones.dlh })
    ).id;
    ids.dinkes = (
      await seedOfficer(app, { name: 'Dedi Dinkes', role: 'officer', departmentCode: 'DINKES', phone: phones.dinkes })
    ).id;
    await seedOfficer(app, { name: 'Admin Kota', role: 'admin', departmentCode: null, phone: phones.admin });
    const citizen = await prisma.citizen.create({ data: { phone: '6281355550300', fullName: 'Warga Laporan' } });
    const file = async (name: string, categoryCode: string, filedAt: Date, holder?: string) => {
      const c = await fileComplaint(prisma, city, {
        citizenId: citizen.id,
        categoryCode,
        description: `Laporan uji ${name} tentang sampah dan kesehatan di gang`,
        place: 'Gang Mawar',
        now: filedAt,
      });
      if (holder) await prisma.complaint.update({ where: { id: c.id }, data: { assignedOfficerId: holder } });
      tn[name] = c.trackingNumber;
      return c;
    };
    const move = (name: string, to: string, at: Date, by: string, note?: string) =>
      changeCaseStatus(prisma, city, {
        trackingNumber: tn[name]!,
        to: to as 'verified',
        actor: { type: 'officer', id: by },
        note,
        now: at,
      });
    const filed = new Date(now.getTime() - 20 * DAY);
    // On time: verified, handled and done within a day.
    await file('onTime', 'sampah', filed, ids.dlh);
    await move('onTime', 'verified', new Date(filed.getTime() + 1 * HOUR), ids.dlh);
    await move('onTime', 'in_process', new Date(filed.getTime() + 2 * HOUR), ids.dlh, 'Petugas berangkat');
    await move('onTime', 'done', new Date(filed.getTime() + 5 * HOUR), ids.dlh, 'Sudah diangkut');
    // Late: done a day after its deadline.
    const late = await file('late', 'sampah', filed, ids.dlh);
    await move('late', 'verified', new Date(filed.getTime() + 1 * HOUR), ids.dlh);
    await move('late', 'in_process', new Date(filed.getTime() + 3 * HOUR), ids.dlh);
    await move('late', 'done', new Date(late.deadlineAt.getTime() + DAY), ids.dlh, 'Akhirnya selesai');
    // Rejected within hours.
    await file('rejected', 'sampah', filed, ids.dlh);
    await move('rejected', 'rejected', new Date(filed.getTime() + 4 * HOUR), ids.dlh, 'Bukan laporan sampah');
    // Open: one overdue for long, one fresh; one of DINKES.
    await file('oldOpen', 'sampah', new Date(now.getTime() - 40 * DAY), ids.dlh);
    await file('fresh', 'sampah', new Date(now.getTime() - 1 * DAY));
    await file('dinkes', 'kesehatan', new Date(now.getTime() - 10 * DAY), ids.dinkes);
    for (const who of ['dlh', 'dinkes', 'admin'] as const) cookies[who] = await signIn(app, api, phones[who]);
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it('shows a case with its timeline in order, its holder and its deadlines in city time with the zone label', async () => {
    const { status, body } = await getJson(app, `/api/cases/${tn.late}`, cookies.dlh);
    expect(status).toBe(200);
    expect(openapi.errors('get', '/api/cases/{trackingNumber}', 200, body)).toEqual([]);
    const detail = (body as Detail).case;
    expect(detail.holder?.name).toBe('Rina DLH');
    expect(detail.statusLabel).toBe('Selesai');
    expect(detail.timeline.map((e) => e.toStatus)).toEqual(['waiting', 'verified', 'in_process', 'done']);
    expect(detail.timeline.map((e) => e.fromStatus)).toEqual([null, 'waiting', 'verified', 'in_process']);
    const times = detail.timeline.map((e) => Date.parse(e.at.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(detail.timeline[3]).toMatchObject({
      actor: { type: 'officer', name: 'Rina DLH' },
      toStatusLabel: 'Selesai',
      note: 'Akhirnya selesai',
    });
    expect(detail.timeline[0]!.actor).toEqual({ type: 'citizen', name: null });
    const row = await app.core.db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: tn.late! } });
    const resolve = detail.clocks.find((c) => c.clock === 'resolve')!;
    expect(detail.clocks.map((c) => c.clock)).toEqual(['verify', 'firstResponse', 'resolve']);
    expect(resolve.state).toBe('stopped');
    expect(resolve.deadlineAt).toEqual({
      at: row.deadlineAt.toISOString(),
      text: `${formatDateTime(row.deadlineAt, 'id', 'Asia/Jakarta')} WIB`,
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain('6281355550300');
    expect(text).not.toContain('Warga Laporan');
  });

  it('answers 404 alike for a case out of scope and one that is not there', async () => {
    const outOfScope = await getJson(app, `/api/cases/${tn.dinkes}`, cookies.dlh);
    const absent = await getJson(app, `/api/cases/A00000000`, cookies.dlh);
    expect(outOfScope).toEqual(absent);
    expect(outOfScope.status).toBe(404);
    expect((await getJson(app, `/api/cases/${tn.dinkes}`, cookies.dinkes)).status).toBe(200);
  });

  it('reports what the rows say, for the whole city and for one department', async () => {
    const from = localDate(new Date(now.getTime() - 25 * DAY), 'Asia/Jakarta');
    const to = localDate(now, 'Asia/Jakarta');
    const { status, body } = await getJson(app, `/api/reports?from=${from}&to=${to}`, cookies.admin);
    expect(status).toBe(200);
    expect(openapi.errors('get', '/api/reports', 200, body)).toEqual([]);
    const report = body as Report;
    expect(report).toMatchObject({ from, to });

    // The same figures, counted here from every complaint row.
    const rows = await app.core.db.prisma.complaint.findMany();
    const start = Date.parse(`${from}T00:00:00+07:00`);
    const end = Date.parse(`${to}T00:00:00+07:00`) + DAY;
    const within = (d: Date | null) => d !== null && d.getTime() >= start && d.getTime() < end;
    const expected = (department?: string) => {
      const mine = rows.filter((r) => !department || r.departmentCode === department);
      const open = mine.filter((r) => ['waiting', 'verified', 'dispositioned', 'in_process'].includes(r.status));
      const closed = mine.filter((r) => r.closedAt && within(r.closedAt));
      const onTime = closed.filter((r) => r.closedAt! <= r.deadlineAt);
      const done = closed
        .filter((r) => r.status === 'done')
        .map((r) => (r.closedAt!.getTime() - r.createdAt.getTime()) / HOUR)
        .sort((a, b) => a - b);
      const median =
        done.length === 0
          ? null
          : done.length % 2
            ? done[(done.length - 1) / 2]!
            : (done[done.length / 2 - 1]! + done[done.length / 2]!) / 2;
      return {
        filed: mine.filter((r) => within(r.createdAt)).length,
        closed: closed.length,
        closedOnTime: onTime.length,
        overdue: closed.length - onTime.length + open.filter((r) => r.deadlineAt < now).length,
        compliancePercent: closed.length ? Math.round((1000 * onTime.length) / closed.length) / 10 : null,
        medianHoursToClose: median === null ? null : Math.round(median * 10) / 10,
        open: open.length,
      };
    };
    const dlh = expected('DLH');
    // What the rows were made to be: three closed (one late, one rejected), the late one and the old open one overdue.
    expect(dlh).toMatchObject({ filed: 4, closed: 3, closedOnTime: 2, overdue: 2, open: 2 });
    expect(dlh.medianHoursToClose).not.toBeNull();
    const { ageing, ...totals } = report.totals;
    expect(totals).toEqual(expected());
    expect(report.departments.find((d) => d.code === 'DLH')).toMatchObject(dlh);
    expect(report.departments.find((d) => d.code === 'DINKES')).toMatchObject(expected('DINKES'));
    expect(report.departments.find((d) => d.code === 'PUPR')).toMatchObject({ filed: 0, closed: 0, open: 0 });
    expect(ageing).toEqual({ '0-2': 1, '3-7': 0, '8-14': 1, '15-30': 0, '>30': 1 });
    expect(report.officers.find((o) => o.id === ids.dlh)).toMatchObject({ closed: 3, open: 1 });

    const scoped = (await getJson(app, `/api/reports?from=${from}&to=${to}`, cookies.dlh)).body as Report;
    expect(scoped.departments.map((d) => d.code)).toEqual(['DLH']);
    expect(scoped.totals).toMatchObject(dlh);
  });

  it('serves both pages and their scripts under the self-only policy', async () => {
    for (const path of [
      `/board/cases/${tn.late}`,
      '/board/reports',
      '/board/assets/case.js',
      '/board/assets/reports.js',
    ]) {
      const res = await fetch(`${app.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
  });

  it('refuses a bad or too long period with 400 and words in Indonesian', async () => {
    for (const query of [
      'from=2026-02-30',
      'from=kemarin',
      'from=2026-11-10&to=2026-11-01',
      'from=2024-01-01&to=2026-01-01',
    ]) {
      const { status, body } = await getJson(app, `/api/reports?${query}`, cookies.admin);
      expect(status, query).toBe(400);
      expect(openapi.errors('get', '/api/reports', 400, body)).toEqual([]);
      expect((body as { message: string }).message).toMatch(/Tanggal|Periode/);
    }
    const fallback = (await getJson(app, '/api/reports', cookies.admin)).body as Report;
    expect(fallback.to).toBe(localDate(now, 'Asia/Jakarta'));
    expect(Date.parse(fallback.to) - Date.parse(fallback.from)).toBe(29 * DAY);
  });

  // Last, so the report figures above count complaints only.
  it('shows a permit waiting for the applicant with its clock paused, and no NIK or phone', async () => {
    const prisma = app.core.db.prisma;
    const citizen = await prisma.citizen.create({ data: { phone: '6281355550301' } });
    const permit = await prisma.$transaction((tx) =>
      submitPermit(
        tx,
        app.core.city,
        {
          citizenId: citizen.id,
          typeCode: 'SIUP',
          applicantName: 'Pemohon Rahasia',
          nik: '1275014501900007',
          phone: '6281355550301',
          email: 'pemohon@example.org',
          fields: { businessName: 'Toko Uji' },
        },
        now,
      ),
    );
    await changeCaseStatus(prisma, app.core.city, {
      trackingNumber: permit.trackingNumber,
      to: 'needs_revision',
      actor: { type: 'system' },
      note: 'Lampirkan akta',
      now: new Date(now.getTime() + HOUR),
    });
    const { status, body } = await getJson(app, `/api/cases/${permit.trackingNumber}`, cookies.admin);
    expect(status).toBe(200);
    expect(openapi.errors('get', '/api/cases/{trackingNumber}', 200, body)).toEqual([]);
    const detail = (body as Detail).case;
    expect(detail.clocks).toHaveLength(1);
    expect(detail.clocks[0]).toMatchObject({ clock: 'resolve', state: 'paused' });
    expect(detail.clocks[0]!.deadlineAt.text).toMatch(/ WIB$/);
    expect(detail.timeline.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'submitted'],
      ['submitted', 'needs_revision'],
    ]);
    expect(detail.timeline[1]).toMatchObject({ actor: { type: 'system', name: null }, note: 'Lampirkan akta' });
    const text = JSON.stringify(body);
    for (const secret of ['1275014501900007', '6281355550301', 'pemohon@example.org', 'Pemohon Rahasia'])
      expect(text).not.toContain(secret);
  });
});
