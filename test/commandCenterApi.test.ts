import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeBoardStats } from '../app/commandCenter/computeBoardStats.js';
import { countOpenCases, PERMIT_BOARD_STATUSES } from '../app/commandCenter/openCases.js';
import { openApiDocument } from '../app/commandCenter/openApiDocument.js';
import { signSession } from '../app/commandCenter/sessionCookie.js';
import { COMPLAINT_OPEN_STATUSES } from '../core/cases/complaintLifecycle.js';
import { submitPermit } from '../core/cases/permitService.js';
import { codeSentTo, getJson, postJson, seedOfficer, setCookieOf, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { createOpenApiValidator } from './support/openApiValidator.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { fileComplaint } from './support/fileComplaint.js';
import { seedOpenCases } from './support/seedOpenCases.js';

// The Command Center's API over HTTP against the whole app: sign-in by one-time code (no
// enumeration, five tries, one use, ten minutes), what each role sees, the figures, the TV
// wall's token, the event stream; every answer checked against the OpenAPI document.

const SECRET = 'api-test-session-secret-0123456789abcdef';
const TV_TOKEN = 'tv-wall-token-0123456789abcdefgh';
const openapi = createOpenApiValidator();
const HOUR = 3_600_000;

interface Counts {
  open: number;
  on_time: number;
  close: number;
  overdue: number;
  paused: number;
}
interface Figures extends Counts {
  code: string;
  name: string;
  closed: number;
  done: number;
  medianHoursToFinish: number | null;
  satisfaction: number | null;
  ratings: number;
}
interface Stats {
  totals: Counts;
  departments: Figures[];
  perDay: Array<{ complaints: number; permits: number }>;
  map: { bounds: unknown; points: unknown[] };
}

interface CaseList {
  cases: Array<{ trackingNumber: string; departmentCode: string; kind: string; clock: { state: string } }>;
}

describe('the Command Center API', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  const phones = {
    dlhSupervisor: '6281100000201',
    dinkes: '6281100000202',
    admin: '6281100000203',
    noDepartment: '6281100000204',
    tries: '6281100000205',
    throttled: '6281100000206',
    inactive: '6281100000207',
  };
  const cookies: Record<string, string> = {};
  const expectValid = (method: string, path: string, status: number, body: unknown) =>
    expect(openapi.errors(method, path, status, body)).toEqual([]);
  const casesOf = async (cookie: string, query = '') => {
    const { status, body } = await getJson(app, `/api/cases${query}`, cookie);
    expect(status).toBe(200);
    expectValid('get', '/api/cases', 200, body);
    return (body as CaseList).cases;
  };

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'4'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: SECRET,
        TV_WALL_TOKEN: TV_TOKEN,
      },
      { twilioHttpClient: api.httpClient() },
    );
    await seedOfficer(app, {
      name: 'Supervisor DLH',
      role: 'supervisor',
      departmentCode: 'DLH',
      phone: phones.dlhSupervisor,
    });
    await seedOfficer(app, { name: 'Petugas Dinkes', role: 'officer', departmentCode: 'DINKES', phone: phones.dinkes });
    await seedOfficer(app, { name: 'Admin Kota', role: 'admin', departmentCode: null, phone: phones.admin });
    await seedOfficer(app, {
      name: 'Petugas Tanpa Dinas',
      role: 'officer',
      departmentCode: null,
      phone: phones.noDepartment,
    });
    await seedOfficer(app, { name: 'Petugas Coba', role: 'officer', departmentCode: 'DLH', phone: phones.tries });
    await seedOfficer(app, { name: 'Petugas Sering', role: 'officer', departmentCode: 'DLH', phone: phones.throttled });
    const inactive = await seedOfficer(app, {
      name: 'Petugas Pensiun',
      role: 'admin',
      departmentCode: null,
      phone: phones.inactive,
    });
    await app.core.db.prisma.officer.update({ where: { id: inactive.id }, data: { active: false } });

    // Cases to look at: three finished DLH complaints (2, 4 and 30 hours; rated 5, 4 and 2), one
    // open DLH complaint, one open DINKES complaint, one open permit.
    const prisma = app.core.db.prisma;
    const now = app.clock.now;
    const citizen = await prisma.citizen.create({ data: { phone: '6281355550000', fullName: 'Warga Uji' } });
    const file = (categoryCode: string, description: string) =>
      fileComplaint(prisma, app.core.city, {
        citizenId: citizen.id,
        categoryCode,
        description,
        place: 'Gang Melati',
        now: now,
      });
    for (const [hours, rating] of [
      [2, 5],
      [4, 4],
      [30, 2],
    ] as const) {
      const done = await file('sampah', `Sampah belum diangkut selama ${hours} jam di gang`);
      await prisma.complaint.update({
        where: { id: done.id },
        data: { status: 'done', closedAt: new Date(now.getTime() + hours * HOUR), rating },
      });
    }
    await file('sampah', 'Tumpukan sampah liar di tepi sungai Deli');
    await file('kesehatan', 'Puskesmas tutup pada jam pelayanan hari Senin');
    await prisma.$transaction((tx) =>
      submitPermit(
        tx,
        app.core.city,
        {
          citizenId: citizen.id,
          typeCode: 'SIUP',
          applicantName: 'Warga Uji',
          nik: '1275014501900007',
          phone: '6281355550000',
          email: null,
          fields: { businessName: 'Toko Uji' },
        },
        now,
      ),
    );
    for (const who of ['dlhSupervisor', 'dinkes', 'admin', 'noDepartment'] as const)
      cookies[who] = await signIn(app, api, phones[who]);
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  describe('sign-in', () => {
    it('answers the same for a handle that is no officer, an inactive officer and a real one; only the real one gets a code', async () => {
      const answers = [];
      const seen = api.calls.length;
      for (const handle of ['+6289900000000', `+${phones.inactive}`, 'not-a-handle', `0${phones.throttled.slice(2)}`]) {
        const res = await postJson(app, '/api/login/request', { handle });
        answers.push({ status: res.status, body: await res.json() });
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(answers[0]!.status).toBe(202);
      expectValid('post', '/api/login/request', 202, answers[0]!.body);
      await codeSentTo(api, phones.throttled, seen);
      await new Promise((r) => setTimeout(r, 300));
      expect(api.calls.slice(seen).map((c) => c.To)).toEqual([`+${phones.throttled}`]);
    });

    it('refuses an empty handle with 400', async () => {
      const res = await postJson(app, '/api/login/request', {});
      expect(res.status).toBe(400);
      expectValid('post', '/api/login/request', 400, await res.json());
    });

    it('stores only a hash of the code, sends it as an urgent notification, and never logs it', async () => {
      const seen = api.calls.length;
      await postJson(app, '/api/login/request', { handle: `+${phones.tries}` });
      const code = await codeSentTo(api, phones.tries, seen);
      const rows = await app.core.db.prisma.officerLoginCode.findMany();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.codeHash.length === 64 && !r.codeHash.includes(code))).toBe(true);
      const sms = api.calls.slice(seen).find((c) => c.To === `+${phones.tries}`)!;
      expect(sms.Body).toContain('Kode masuk Command Center');
      expect(sms.Body).toContain('10 menit');
      const outbox = await app.core.db.prisma.outboxMessage.findFirstOrThrow({
        where: { address: phones.tries },
        orderBy: { createdAt: 'desc' },
      });
      expect(outbox).toMatchObject({ kind: 'notification', urgent: true, channel: 'sms' });
      expect(app.logLines.join('\n')).not.toContain(code);
    });

    it('allows five tries per code, the right one included, and each code once', async () => {
      const handle = `+${phones.tries}`;
      const seen = api.calls.length;
      const challenge = setCookieOf((await postJson(app, '/api/login/request', { handle })).headers, 'lk_login');
      const code = await codeSentTo(api, phones.tries, seen);
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        const res = await postJson(app, '/api/login/verify', { handle, code: wrong }, challenge);
        expect(res.status).toBe(401);
        expectValid('post', '/api/login/verify', 401, await res.json());
      }
      expect((await postJson(app, '/api/login/verify', { handle, code }, challenge)).status).toBe(401);

      const seenAgain = api.calls.length;
      const again = setCookieOf((await postJson(app, '/api/login/request', { handle })).headers, 'lk_login');
      const fresh = await codeSentTo(api, phones.tries, seenAgain);
      const ok = await postJson(app, '/api/login/verify', { handle, code: fresh }, again);
      expect(ok.status).toBe(200);
      expectValid('post', '/api/login/verify', 200, await ok.json());
      expect((await postJson(app, '/api/login/verify', { handle, code: fresh }, again)).status).toBe(401);
    });

    it('lets a code expire after ten minutes', async () => {
      const handle = `+${phones.tries}`;
      const seen = api.calls.length;
      const challenge = setCookieOf((await postJson(app, '/api/login/request', { handle })).headers, 'lk_login');
      const code = await codeSentTo(api, phones.tries, seen);
      app.clock.now = new Date(app.clock.now.getTime() + 10 * 60_000 + 1);
      expect((await postJson(app, '/api/login/verify', { handle, code }, challenge)).status).toBe(401);
    });

    it('sends at most five codes an hour for one handle from one client, then says so with 429 and the city time to try again', async () => {
      app.clock.now = new Date(app.clock.now.getTime() + 2 * HOUR);
      const seen = api.calls.length;
      const handle = `+${phones.throttled}`;
      for (let i = 0; i < 5; i++) expect((await postJson(app, '/api/login/request', { handle })).status).toBe(202);
      await eventually(() => api.calls.slice(seen).filter((c) => c.To === handle).length === 5);
      const refused = await postJson(app, '/api/login/request', { handle });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBe(3600);
      const body = (await refused.json()) as { error: string; message: string; retryAt: string };
      expectValid('post', '/api/login/request', 429, body);
      // The city's clock (WIB, Asia/Jakarta) an hour on: no code is promised.
      const at = new Date(app.clock.now.getTime() + HOUR);
      const hhmm = new Intl.DateTimeFormat('en-GB', {
        timeZone: app.core.city.timezone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .format(at)
        .replace(':', '.');
      expect(body).toEqual({
        error: 'code_limit',
        message: `Batas 5 kode per jam untuk nomor atau alamat ini tercapai. Kode tidak dikirim lagi. Coba lagi sekitar pukul ${hhmm} ${app.core.city.timezoneLabel}.`,
        retryAt: at.toISOString(),
      });
      // A refusal leaves no row and sends nothing: the count stays at five.
      const rows = await app.core.db.prisma.officerLoginCode.count({ where: { createdAt: app.clock.now } });
      expect((await postJson(app, '/api/login/request', { handle })).status).toBe(429);
      expect(await app.core.db.prisma.officerLoginCode.count({ where: { createdAt: app.clock.now } })).toBe(rows);
      expect(api.calls.slice(seen).filter((c) => c.To === handle)).toHaveLength(5);
    });

    it('refuses a handle that names nobody alike after five, so the 429 tells nobody who is an officer', async () => {
      app.clock.now = new Date(app.clock.now.getTime() + 2 * HOUR);
      const stranger = '+6289900000077';
      const officer = `+${phones.throttled}`;
      for (let i = 0; i < 5; i++)
        for (const handle of [stranger, officer])
          expect((await postJson(app, '/api/login/request', { handle })).status).toBe(202);
      // Each request leaves its row after the answer, the stranger's with no officer.
      await eventually(
        async () => (await app.core.db.prisma.officerLoginCode.count({ where: { createdAt: app.clock.now } })) === 10,
      );
      const answers = [];
      for (const handle of [stranger, officer]) {
        const res = await postJson(app, '/api/login/request', { handle });
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() });
      }
      expect(answers[0]!.status).toBe(429);
      expect(answers[1]).toEqual(answers[0]);
      // Another spelling of the same number is the same handle; another number is not.
      expect((await postJson(app, '/api/login/request', { handle: `0${phones.throttled.slice(2)}` })).status).toBe(429);
      expect((await postJson(app, '/api/login/request', { handle: '+6289900000078' })).status).toBe(202);
    });

    it('sets an HttpOnly, SameSite=Strict cookie that a forged or foreign-signed one cannot imitate', async () => {
      const seen = api.calls.length;
      const requested = await postJson(app, '/api/login/request', { handle: `+${phones.admin}` });
      const code = await codeSentTo(api, phones.admin, seen);
      const res = await postJson(
        app,
        '/api/login/verify',
        { handle: `+${phones.admin}`, code },
        setCookieOf(requested.headers, 'lk_login'),
      );
      const header = res.headers.getSetCookie().find((c) => c.startsWith('lk_session=')) ?? '';
      expect(header).toMatch(/^lk_session=[\w-]+\.[\w-]+; /);
      expect(header).toContain('HttpOnly');
      expect(header).toContain('SameSite=Strict');
      expect(header).toContain('Path=/');

      const me = await getJson(app, '/api/me', cookies.admin);
      expect(me.status).toBe(200);
      expectValid('get', '/api/me', 200, me.body);
      expect(me.body).toMatchObject({ role: 'admin', roleLabel: 'Admin' });
      // The role in the viewer's words, not the stored value.
      expect((await getJson(app, '/api/me', cookies.dinkes)).body).toMatchObject({
        role: 'officer',
        roleLabel: 'Petugas',
      });
      expect((await getJson(app, '/api/me?lang=en', cookies.dinkes)).body).toMatchObject({ roleLabel: 'Officer' });
      const { id } = me.body as { id: string };
      const exp = app.clock.now.getTime() + HOUR;
      const foreign = `lk_session=${signSession({ sub: id, ver: 0, exp }, 'some-other-secret-0123456789abcdef')}`;
      const [payload, signature] = cookies.admin!.slice('lk_session='.length).split('.');
      const tampered = `lk_session=${Buffer.from(JSON.stringify({ sub: id, ver: 0, exp: exp + 9 * HOUR })).toString('base64url')}.${signature}`;
      for (const cookie of [undefined, foreign, tampered, `lk_session=${payload}`]) {
        const answer = await getJson(app, '/api/cases', cookie);
        expect(answer.status).toBe(401);
        expectValid('get', '/api/cases', 401, answer.body);
      }
      const expired = `lk_session=${signSession({ sub: id, ver: 0, exp: app.clock.now.getTime() - 1 }, SECRET)}`;
      expect((await getJson(app, '/api/me', expired)).status).toBe(401);

      const out = await postJson(app, '/api/logout', {}, cookies.admin);
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      // Logout ends every session of the admin: the tests below need a new one.
      expect((await getJson(app, '/api/me', cookies.admin)).status).toBe(401);
      cookies.admin = await signIn(app, api, phones.admin);
    });

    it('ends the session of an officer who is deactivated', async () => {
      const seen = api.calls.length;
      const requested = await postJson(app, '/api/login/request', { handle: `+${phones.tries}` });
      const code = await codeSentTo(api, phones.tries, seen);
      const res = await postJson(
        app,
        '/api/login/verify',
        { handle: `+${phones.tries}`, code },
        setCookieOf(requested.headers, 'lk_login'),
      );
      const cookie = setCookieOf(res.headers, 'lk_session')!;
      expect((await getJson(app, '/api/me', cookie)).status).toBe(200);
      await app.core.db.prisma.officer.updateMany({ where: { phone: phones.tries }, data: { active: false } });
      expect((await getJson(app, '/api/me', cookie)).status).toBe(401);
    });
  });

  describe('what each role sees', () => {
    it('shows a supervisor their department, an officer without one nothing, an admin everything', async () => {
      const dlh = await casesOf(cookies.dlhSupervisor!);
      expect(dlh).toHaveLength(1);
      expect(dlh[0]).toMatchObject({ departmentCode: 'DLH', kind: 'complaint' });
      expect(await casesOf(cookies.dlhSupervisor!, '?department=DINKES')).toEqual([]);
      expect((await casesOf(cookies.dinkes!)).map((c) => c.departmentCode)).toEqual(['DINKES']);
      expect(await casesOf(cookies.noDepartment!)).toEqual([]);
      const all = await casesOf(cookies.admin!);
      expect(all.map((c) => c.departmentCode).sort()).toEqual(['DINKES', 'DLH', 'DPMPTSP']);
      expect((await casesOf(cookies.admin!, '?kind=permit')).map((c) => c.kind)).toEqual(['permit']);
      expect((await casesOf(cookies.admin!, '?department=DINKES')).map((c) => c.departmentCode)).toEqual(['DINKES']);
    });

    it('gives each department its open, overdue, median time to finish and satisfaction', async () => {
      const { status, body } = await getJson(app, '/api/stats', cookies.dlhSupervisor);
      expect(status).toBe(200);
      expectValid('get', '/api/stats', 200, body);
      const stats = body as Stats;
      expect(stats.totals).toEqual({ open: 1, on_time: 1, close: 0, overdue: 0, paused: 0 });
      expect(stats.departments).toEqual([
        {
          code: 'DLH',
          name: 'Dinas Lingkungan Hidup',
          open: 1,
          on_time: 1,
          close: 0,
          overdue: 0,
          paused: 0,
          closed: 3,
          done: 3,
          medianHoursToFinish: 4,
          satisfaction: 3.7,
          ratings: 3,
        },
      ]);
      expect(stats.perDay).toHaveLength(14);
      expect(stats.perDay.reduce((n, d) => n + d.complaints, 0)).toBe(4);
      expect(stats.perDay.reduce((n, d) => n + d.permits, 0)).toBe(0);
      expect(stats.map.bounds).toEqual({ south: 3.48, west: 98.59, north: 3.8, east: 98.75 });
      expect(stats.map.points).toHaveLength(4);

      const everything = (await getJson(app, '/api/stats', cookies.admin)).body as Stats;
      expectValid('get', '/api/stats', 200, everything);
      expect(everything.totals).toEqual({ open: 3, on_time: 3, close: 0, overdue: 0, paused: 0 });
      expect(everything.perDay.reduce((n, d) => n + d.permits, 0)).toBe(1);
      expect(everything.departments.map((d) => d.code)).toEqual(
        expect.arrayContaining(['DPMPTSP', 'PUPR', 'DLH', 'DINKES', 'SATPOLPP', 'KOMINFO']),
      );
      expect(everything.departments.map((d) => d.code)).not.toContain('INSPEKTORAT');
    });

    it('marks a case overdue once its deadline has passed, and close in its last quarter', async () => {
      const [open] = await casesOf(cookies.dlhSupervisor!);
      // The clock jumps days ahead, past any session: a cookie that lasts.
      const supervisor = await app.core.db.prisma.officer.findFirstOrThrow({ where: { phone: phones.dlhSupervisor } });
      const lasting = `lk_session=${signSession({ sub: supervisor.id, ver: supervisor.sessionVersion, exp: Date.parse('2100-01-01') }, SECRET)}`;
      const complaint = await app.core.db.prisma.complaint.findUniqueOrThrow({
        where: { trackingNumber: open!.trackingNumber },
      });
      const span = complaint.deadlineAt.getTime() - complaint.createdAt.getTime();
      const at = (ms: number) => new Date(complaint.createdAt.getTime() + ms);
      const saved = app.clock.now;
      try {
        app.clock.now = at(span * 0.5);
        expect((await casesOf(lasting))[0]!.clock.state).toBe('on_time');
        app.clock.now = at(span * 0.8);
        expect((await casesOf(lasting))[0]!.clock.state).toBe('close');
        app.clock.now = at(span + 1000);
        expect((await casesOf(lasting))[0]!.clock.state).toBe('overdue');
        expect((await casesOf(lasting, '?clock=overdue')).map((c) => c.trackingNumber)).toEqual([open!.trackingNumber]);
      } finally {
        app.clock.now = saved;
      }
    });
  });

  describe('figures from the database', () => {
    it('takes the median time to finish over done cases only: a refusal closes a case but does not finish it', async () => {
      const prisma = app.core.db.prisma;
      const citizen = await prisma.citizen.findFirstOrThrow({ where: { phone: '6281355550000' } });
      // Refused quickly: were they counted, DLH's median would drop from 4 hours to 2.
      for (const [status, hours] of [
        ['rejected', 0.5],
        ['not_authority', 0.1],
      ] as const) {
        const filedAt = app.clock.now;
        const refused = await fileComplaint(prisma, app.core.city, {
          citizenId: citizen.id,
          categoryCode: 'sampah',
          description: `Laporan sampah yang ditolak setelah ${hours} jam`,
          place: 'Gang Mawar',
          now: filedAt,
        });
        await prisma.complaint.update({
          where: { id: refused.id },
          data: { status, closedAt: new Date(filedAt.getTime() + hours * HOUR) },
        });
      }
      const [all] = await prisma.$queryRaw<Array<{ median: number }>>`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("closedAt" - "createdAt")) / 3600) AS median
        FROM "Complaint" WHERE "departmentCode" = 'DLH' AND "closedAt" IS NOT NULL`;
      expect(Number(all!.median)).toBe(2);

      const { body } = await getJson(app, '/api/stats', cookies.dlhSupervisor);
      expectValid('get', '/api/stats', 200, body);
      expect((body as Stats).departments).toEqual([
        expect.objectContaining({ code: 'DLH', open: 1, closed: 5, done: 3, medianHoursToFinish: 4 }),
      ]);
    });
    it("names each department in the viewer's language", async () => {
      // The default city names its departments in Indonesian only; one with an English name too.
      const city = {
        ...app.core.city,
        departments: app.core.city.departments.map((d) =>
          d.code === 'DLH' ? { ...d, names: { id: d.name, en: 'Environment Agency' } } : d,
        ),
      };
      const figures = (lang: 'id' | 'en') =>
        computeBoardStats(app.core.db.prisma, city, { departments: ['DLH'], now: app.clock.now, lang });
      expect((await figures('en')).departments.map((d) => d.name)).toEqual(['Environment Agency']);
      expect((await figures('id')).departments.map((d) => d.name)).toEqual(['Dinas Lingkungan Hidup']);
    });
  });

  describe('the TV wall with TV_WALL_TOKEN', () => {
    it('needs the token, for the page, the data and the event stream', async () => {
      for (const query of ['', '?token=', '?token=wrong-token-0123456789abcdef']) {
        expect((await fetch(`${app.baseUrl}/board/tv${query}`)).status).toBe(403);
        const data = await getJson(app, `/api/board/tv${query}`);
        expect(data.status).toBe(403);
        expectValid('get', '/api/board/tv', 403, data.body);
      }
      const page = await fetch(`${app.baseUrl}/board/tv?token=${TV_TOKEN}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const { status, body } = await getJson(app, `/api/board/tv?token=${TV_TOKEN}`);
      expect(status).toBe(200);
      expectValid('get', '/api/board/tv', 200, body);
      const text = JSON.stringify(body);
      for (const secret of [
        'Warga Uji',
        '6281355550000',
        '1275014501900007',
        'Gang Melati',
        'Sampah belum',
        'Petugas',
      ]) {
        expect(text).not.toContain(secret);
      }
      expect((await fetch(`${app.baseUrl}/api/events?token=wrong`)).status).toBe(401);
    });
  });

  describe('live events', () => {
    /** Reads server-sent events until `until` says stop; returns the event names seen. */
    async function readEvents(
      url: string,
      init: RequestInit,
      until: (names: string[]) => boolean,
      onOpen: () => Promise<void>,
    ) {
      const abort = new AbortController();
      const res = await fetch(url, { ...init, signal: abort.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      const names: string[] = [];
      let buffer = '';
      let opened = false;
      const deadline = Date.now() + 8000;
      try {
        while (!until(names) && Date.now() < deadline) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += Buffer.from(value).toString('utf8');
          const events = buffer.split('\n\n');
          buffer = events.pop() ?? '';
          for (const event of events) {
            const name = /^event: (\w+)$/m.exec(event)?.[1];
            if (name) names.push(name);
          }
          if (!opened && names.includes('hello')) {
            opened = true;
            // Give the feed a poll to take its first mark before the change.
            await new Promise((r) => setTimeout(r, 1200));
            await onOpen();
          }
        }
      } finally {
        abort.abort();
      }
      return names;
    }

    it('tells a signed-in board when a case changes', async () => {
      const names = await readEvents(
        `${app.baseUrl}/api/events`,
        { headers: { cookie: cookies.dinkes! } },
        (n) => n.includes('change'),
        async () => {
          await app.core.db.prisma.complaint.updateMany({
            where: { departmentCode: 'DINKES' },
            data: { status: 'verified' },
          });
        },
      );
      expect(names).toEqual(['hello', 'change']);
    });

    /** An open event stream collecting its events (name and data) until closed. */
    async function openStream(url: string, init: RequestInit = {}) {
      const abort = new AbortController();
      const res = await fetch(url, { ...init, signal: abort.signal });
      expect(res.status).toBe(200);
      const events: Array<{ name: string; data: { version: number; departments?: string[] } }> = [];
      const reader = res.body!.getReader();
      const done = (async () => {
        let buffer = '';
        try {
          for (;;) {
            const { value, done: ended } = await reader.read();
            if (ended) return;
            buffer += Buffer.from(value).toString('utf8');
            const chunks = buffer.split('\n\n');
            buffer = chunks.pop() ?? '';
            for (const chunk of chunks) {
              const name = /^event: (\w+)$/m.exec(chunk)?.[1];
              const data = /^data: (.*)$/m.exec(chunk)?.[1];
              if (name && data) events.push({ name, data: JSON.parse(data) as (typeof events)[number]['data'] });
            }
          }
        } catch {
          // aborted
        }
      })();
      return {
        events,
        changes: () => events.filter((e) => e.name === 'change').map((e) => e.data.departments),
        async close() {
          abort.abort();
          await done;
        },
      };
    }

    it("tells an officer of their own department's changes only, and the TV wall of all", async () => {
      const prisma = app.core.db.prisma;
      const dinkes = await openStream(`${app.baseUrl}/api/events`, { headers: { cookie: cookies.dinkes! } });
      const dlh = await openStream(`${app.baseUrl}/api/events`, { headers: { cookie: cookies.dlhSupervisor! } });
      const wall = await openStream(`${app.baseUrl}/api/events?token=${TV_TOKEN}`);
      try {
        await eventually(() => [dinkes, dlh, wall].every((s) => s.events.some((e) => e.name === 'hello')));
        // Give the feed a poll to take its first marks before the changes.
        const polled = (await prisma.caseWatermark.findMany()).length;
        expect(polled).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 1200));
        await prisma.complaint.updateMany({
          where: { departmentCode: 'DLH', status: 'waiting' },
          data: { status: 'verified' },
        });
        await eventually(() => dlh.changes().length === 1);
        await eventually(() => wall.changes().length === 1);
        const dinkesCase = await prisma.complaint.findFirstOrThrow({ where: { departmentCode: 'DINKES' } });
        await prisma.complaint.update({ where: { id: dinkesCase.id }, data: { status: 'in_process' } });
        await eventually(() => dinkes.changes().length === 1);
        await eventually(() => wall.changes().length === 2);
        // The DLH change came first on every stream it was sent on: DINKES's board never got it.
        expect(dinkes.changes()).toEqual([['DINKES']]);
        expect(dlh.changes()).toEqual([['DLH']]);
        expect(wall.changes()).toEqual([['DLH'], ['DINKES']]);
      } finally {
        await Promise.all([dinkes.close(), dlh.close(), wall.close()]);
      }
    });

    it('refuses the stream to nobody in particular', async () => {
      const res = await fetch(`${app.baseUrl}/api/events`);
      expect(res.status).toBe(401);
      expectValid('get', '/api/events', 401, await res.json());
    });
  });

  describe("at a city's size", () => {
    // Last: thousands of cases the tests above must not see.
    beforeAll(async () => {
      await seedOpenCases(app.core.db.prisma, app.core.city, {
        open: 5000,
        closed: 1000,
        now: app.clock.now,
        seed: 19,
        prefix: 'S',
      });
    }, 120_000);

    /** Open cases counted directly, without the board's SQL: per department, or all with null. */
    async function countedDirectly(department: string | null) {
      const prisma = app.core.db.prisma;
      const where = department ? { departmentCode: department } : {};
      return (
        (await prisma.permitApplication.count({ where: { ...where, status: { in: [...PERMIT_BOARD_STATUSES] } } })) +
        (await prisma.complaint.count({ where: { ...where, status: { in: [...COMPLAINT_OPEN_STATUSES] } } }))
      );
    }

    it('gives totals and per-department figures equal to the SQL counts, for 5,000 open cases', async () => {
      const { status, body } = await getJson(app, '/api/stats', cookies.admin);
      expect(status).toBe(200);
      expectValid('get', '/api/stats', 200, body);
      const stats = body as Stats;
      const counted = await countOpenCases(app.core.db.prisma, app.clock.now, { departments: null });
      expect(stats.totals).toEqual(counted.total);
      expect(stats.totals.open).toBe(await countedDirectly(null));
      expect(stats.totals.open).toBeGreaterThan(5000);
      const { open, on_time, close, overdue, paused } = stats.totals;
      expect(on_time + close + overdue + paused).toBe(open);
      expect(Math.min(on_time, close, overdue, paused)).toBeGreaterThan(0);

      for (const d of counted.departments) {
        const figures = stats.departments.find((f) => f.code === d.code)!;
        expect({
          code: figures.code,
          open: figures.open,
          on_time: figures.on_time,
          close: figures.close,
          overdue: figures.overdue,
          paused: figures.paused,
        }).toEqual(d);
        expect(figures.open).toBe(await countedDirectly(d.code));
        expect(figures.on_time + figures.close + figures.overdue + figures.paused).toBe(figures.open);
      }
      expect(stats.departments.reduce((n, d) => n + d.open, 0)).toBe(stats.totals.open);

      // The median and counts of finished cases, over done cases only, straight from the tables.
      const finished = await app.core.db.prisma.$queryRaw<
        Array<{ department: string; closed: number; done: number; median: number | null; all: number }>
      >`
        SELECT "departmentCode" AS department, count(*)::int AS closed, count(*) FILTER (WHERE status = 'done')::int AS done,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE status = 'done') AS median,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS all
        FROM (
          SELECT "departmentCode", status::text, EXTRACT(EPOCH FROM ("closedAt" - "submittedAt")) / 3600 AS hours
          FROM "PermitApplication" WHERE "closedAt" IS NOT NULL
          UNION ALL
          SELECT "departmentCode", status::text, EXTRACT(EPOCH FROM ("closedAt" - "createdAt")) / 3600
          FROM "Complaint" WHERE "closedAt" IS NOT NULL
        ) c GROUP BY 1`;
      expect(finished.length).toBeGreaterThan(3);
      for (const f of finished) {
        const figures = stats.departments.find((d) => d.code === f.department)!;
        expect(figures).toMatchObject({ closed: f.closed, done: f.done });
        expect(figures.medianHoursToFinish).toBe(f.median === null ? null : Math.round(Number(f.median) * 10) / 10);
      }
      // Refusals are among the closed cases: leaving them out matters somewhere.
      expect(finished.some((f) => f.median !== null && Math.abs(Number(f.median) - Number(f.all)) >= 0.1)).toBe(true);
    });

    it("gives a department's officer the figures of that department only", async () => {
      const { body } = await getJson(app, '/api/stats', cookies.dinkes);
      expectValid('get', '/api/stats', 200, body);
      const stats = body as Stats;
      const counted = await countOpenCases(app.core.db.prisma, app.clock.now, { departments: ['DINKES'] });
      expect(stats.departments.map((d) => d.code)).toEqual(['DINKES']);
      expect(stats.totals).toEqual(counted.total);
      expect(stats.totals.open).toBe(await countedDirectly('DINKES'));
      expect(stats.totals.open).toBeGreaterThan(100);
      expect(stats.departments[0]).toMatchObject(counted.departments[0]!);
    });
  });

  it('serves its OpenAPI 3.1 document, every response schema of which compiles', async () => {
    const { status, body } = await getJson(app, '/api/openapi.json');
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect((body as { openapi: string }).openapi).toBe('3.1.0');
    expect(openapi.compileAll()).toBeGreaterThan(20);
  });

  it('never logs an officer phone number whole', () => {
    const logs = app.logLines.join('\n');
    for (const phone of Object.values(phones)) expect(logs).not.toContain(phone);
  });
});
