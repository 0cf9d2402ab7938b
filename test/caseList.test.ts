import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLAINT_OPEN_STATUSES } from '../core/cases/complaintLifecycle.js';
import type { Prisma } from '../core/generated/prisma/client.js';
import { countOpenCases, openCasesCte, PERMIT_BOARD_STATUSES } from '../app/commandCenter/openCases.js';
import { seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { seedOpenCases } from './support/seedOpenCases.js';
import { startApp, type TestApp } from './support/startApp.js';

// /api/cases and its export against the whole app with 5,000 open and 1,000 closed cases:
// paging returns every open case once and in order while the clock moves on, every filter and
// search gives the rows counted here by Prisma, scope holds, the JSON is compressed and the
// event stream is not, and the export carries no personal data.

const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T05:00:00Z');
const NIK = '3171010101900001';

interface Page {
  now: string;
  total: number;
  nextCursor: string | null;
  cases: Array<{
    kind: string;
    trackingNumber: string;
    departmentCode: string;
    status: string;
    clock: { state: string; msLeft: number };
    place: string | null;
  }>;
}

/** A raw GET (no automatic decompression), so the bytes on the wire can be measured. */
function rawGet(
  app: TestApp,
  url: string,
  headers: Record<string, string>,
  options: { firstChunkOnly?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.baseUrl}${url}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (options.firstChunkOnly && Buffer.concat(chunks).includes('event: hello')) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', (e) => (options.firstChunkOnly ? undefined : reject(e)));
    req.end();
  });
}

describe('the case list, its filters and its export', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let admin = '';
  let dinkes = '';
  const prisma = () => app.core.db.prisma;

  const get = async (url: string, cookie = admin) => {
    const res = await fetch(`${app.baseUrl}${url}`, { headers: { cookie } });
    return { status: res.status, body: (await res.json()) as Page & { message?: string } };
  };
  /** Every page of a list, following nextCursor. */
  const allPages = async (params: string, cookie = admin, between?: () => void) => {
    const cases: Page['cases'] = [];
    let url = `/api/cases?${params}`;
    let totals: number[] = [];
    for (;;) {
      const { status, body } = await get(url, cookie);
      expect(status).toBe(200);
      cases.push(...body.cases);
      totals = [...totals, body.total];
      if (!body.nextCursor) break;
      between?.();
      url = `/api/cases?${params}&cursor=${body.nextCursor}`;
    }
    return { cases, totals };
  };
  const openWhere = {
    permit: { status: { in: [...PERMIT_BOARD_STATUSES] } },
    complaint: { status: { in: [...COMPLAINT_OPEN_STATUSES] } },
  };
  /** Open permits and complaints Prisma finds for the same question, by tracking number. */
  const openNumbers = async (
    permit: Prisma.PermitApplicationWhereInput | null,
    complaint: Prisma.ComplaintWhereInput | null,
  ) => {
    const select = { trackingNumber: true } as const;
    const permits = permit
      ? await prisma().permitApplication.findMany({ where: { AND: [openWhere.permit, permit] }, select })
      : [];
    const complaints = complaint
      ? await prisma().complaint.findMany({ where: { AND: [openWhere.complaint, complaint] }, select })
      : [];
    return [...permits, ...complaints].map((r) => r.trackingNumber).sort();
  };

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: 'case-list-session-secret-0123456789',
        // Below the 5,000 open cases, so an unfiltered export is cut (each department's fits).
        EXPORT_MAX_ROWS: '4000',
      },
      { twilioHttpClient: api.httpClient() },
    );
    app.clock.now = NOW;
    await seedOpenCases(prisma(), app.core.city, { open: 5000, closed: 1000, now: NOW, seed: 19 });
    // Text a spreadsheet would run as a formula, and one with LIKE's wildcards in it.
    const citizen = await prisma().citizen.create({ data: { fullName: 'Warga Rumus' } });
    const complaint = (trackingNumber: string, description: string, locationText: string) =>
      prisma().complaint.create({
        data: {
          trackingNumber,
          citizenId: citizen.id,
          categoryCode: 'sampah',
          departmentCode: 'DLH',
          status: 'waiting',
          description,
          locationText,
          createdAt: new Date(NOW.getTime() - HOUR),
          deadlineAt: new Date(NOW.getTime() + 48 * HOUR),
        },
      });
    await complaint('X00000001', '=HYPERLINK("http://evil.example","klik")', '=1+2, "Gang Rumus"');
    await complaint('X00000002', 'Diskon 100% _promo_ di trotoar', 'Jl. Persen');
    // People put their number and email where the place goes.
    await complaint('X00000003', 'Sampah menumpuk di depan rumah', 'rumah Andi 0812-9999-8888 andi@contoh.id');
    await seedOfficer(app, { name: 'Admin Kota', role: 'admin', departmentCode: null, phone: '6281100000901' });
    await seedOfficer(app, { name: 'Dedi Dinkes', role: 'officer', departmentCode: 'DINKES', phone: '6281100000902' });
    admin = await signIn(app, api, '6281100000901');
    dinkes = await signIn(app, api, '6281100000902');
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it('pages through every open case exactly once, most urgent first, while the clock moves on', async () => {
    const expected = await prisma().$queryRaw<Array<{ tracking_number: string }>>`
      ${openCasesCte(NOW, { departments: null })}
      SELECT tracking_number FROM open_cases ORDER BY state_order, ms_left, tracking_number, kind`;
    const counts = await countOpenCases(prisma(), NOW, { departments: null });
    // Each next page is asked an hour later: the cursor keeps the first page's clocks.
    const { cases, totals } = await allPages('limit=500', admin, () => {
      app.clock.now = new Date(app.clock.now.getTime() + HOUR);
    });
    app.clock.now = NOW;
    expect(cases.length).toBe(counts.total.open);
    expect(new Set(cases.map((c) => c.trackingNumber)).size).toBe(cases.length);
    expect(cases.map((c) => c.trackingNumber)).toEqual(expected.map((r) => r.tracking_number));
    expect(new Set(totals)).toEqual(new Set([counts.total.open]));
    expect(counts.total.open).toBe(5003);
  });

  it('pages newest filed first with sort=filed, and 100 to a page by default', async () => {
    const first = await get('/api/cases?sort=filed');
    expect(first.body.cases.length).toBe(100);
    const { cases } = await allPages('sort=filed&limit=450');
    const filed = await prisma().$queryRaw<Array<{ tracking_number: string }>>`
      ${openCasesCte(NOW, { departments: null })}
      SELECT tracking_number FROM open_cases ORDER BY filed_at DESC, tracking_number DESC, kind DESC`;
    expect(cases.map((c) => c.trackingNumber)).toEqual(filed.map((r) => r.tracking_number));
  });

  it('caps a page at 500', async () => {
    expect((await get('/api/cases?limit=100000')).body.cases.length).toBe(500);
  });

  // Each filter against what Prisma finds for the same question (or countOpenCases for clocks).
  const searches: Array<{
    label: string;
    params: string;
    permit: Prisma.PermitApplicationWhereInput | null;
    complaint: Prisma.ComplaintWhereInput | null;
  }> = [
    {
      label: 'one department',
      params: 'department=DINKES',
      permit: { departmentCode: 'DINKES' },
      complaint: { departmentCode: 'DINKES' },
    },
    { label: 'permits only', params: 'kind=permit', permit: {}, complaint: null },
    {
      label: 'one status',
      params: 'status=in_process',
      permit: { status: 'in_process' },
      complaint: { status: 'in_process' },
    },
    {
      label: 'kind and department together',
      params: 'kind=complaint&department=PUPR',
      permit: null,
      complaint: { departmentCode: 'PUPR' },
    },
    {
      label: 'a tracking number prefix',
      params: 'q=s0000012',
      permit: { trackingNumber: { startsWith: 'S0000012' } },
      complaint: { trackingNumber: { startsWith: 'S0000012' } },
    },
    {
      label: 'an exact tracking number',
      params: 'q=S00000300',
      permit: { trackingNumber: 'S00000300' },
      complaint: { trackingNumber: 'S00000300' },
    },
    {
      label: 'words of the description and the place',
      params: 'q=GANG%2017',
      permit: null,
      complaint: {
        AND: ['gang', '17'].map((w) => ({
          OR: [
            { description: { contains: w, mode: 'insensitive' as const } },
            { locationText: { contains: w, mode: 'insensitive' as const } },
          ],
        })),
      },
    },
    {
      label: "a complaint category's title",
      params: 'q=sampah',
      permit: null,
      complaint: {
        OR: [{ categoryCode: 'sampah' }, { description: { contains: 'sampah', mode: 'insensitive' as const } }],
      },
    },
    {
      label: "a permit type's title in English",
      params: 'q=warehouse',
      permit: { permitTypeCode: 'TDG' },
      complaint: null,
    },
    {
      label: 'a literal % (not a wildcard)',
      params: 'q=100%25',
      permit: null,
      complaint: { trackingNumber: 'X00000002' },
    },
    {
      label: 'a literal _ (not a wildcard)',
      params: 'q=_promo_',
      permit: null,
      complaint: { trackingNumber: 'X00000002' },
    },
  ];
  it.each(searches)('filters by $label as Prisma counts it', async ({ params, permit, complaint }) => {
    const expected = await openNumbers(permit, complaint);
    const { cases, totals } = await allPages(`${params}&limit=500`);
    expect(cases.map((c) => c.trackingNumber).sort()).toEqual(expected);
    expect(totals[0]).toBe(expected.length);
  });

  it.each(['on_time', 'close', 'overdue', 'paused'] as const)(
    'filters by the clock %s as countOpenCases does',
    async (state) => {
      const counts = await countOpenCases(prisma(), NOW, { departments: ['PUPR'] });
      const { cases, totals } = await allPages(`clock=${state}&department=PUPR&limit=500`);
      expect(totals[0]).toBe(counts.total[state]);
      expect(cases.length).toBe(counts.total[state]);
      expect(cases.every((c) => c.clock.state === state && c.departmentCode === 'PUPR')).toBe(true);
    },
  );

  it("shows an officer only their department's cases, whatever they ask for", async () => {
    const counts = await countOpenCases(prisma(), NOW, { departments: ['DINKES'] });
    const own = await allPages('limit=500', dinkes);
    expect(own.cases.length).toBe(counts.total.open);
    expect(own.cases.every((c) => c.departmentCode === 'DINKES')).toBe(true);
    const other = await get('/api/cases?department=DLH', dinkes);
    expect(other.body).toMatchObject({ total: 0, cases: [], nextCursor: null });
    // A NUL, which PostgreSQL's text cannot hold, is dropped rather than failing the query.
    const dlh = await countOpenCases(prisma(), NOW, { departments: ['DLH'] });
    const nul = await get('/api/cases?department=DLH%00', admin);
    expect(nul.status).toBe(200);
    expect(nul.body.total).toBe(dlh.total.open);
  });

  it.each([
    { label: 'not base64 JSON', cursor: 'not-a-cursor' },
    {
      label: 'of the other sort',
      cursor: Buffer.from(JSON.stringify({ sort: 'filed', now: NOW, after: [NOW, 'S1', 'permit'] })).toString(
        'base64url',
      ),
    },
    {
      label: 'with a broken key',
      cursor: Buffer.from(JSON.stringify({ sort: 'urgency', now: NOW, after: ['x', 1, 'S1', 'permit'] })).toString(
        'base64url',
      ),
    },
  ])('answers a cursor $label with 400 in Indonesian', async ({ cursor }) => {
    const { status, body } = await get(`/api/cases?cursor=${cursor}`);
    expect(status).toBe(400);
    expect(body.message).toBe(app.core.translator.t('id', { key: 'caseList.badCursor' }));
  });

  it('compresses the list when asked, and never the event stream', async () => {
    const plain = await rawGet(app, '/api/cases?limit=100', { cookie: admin, 'accept-encoding': 'identity' });
    const gzip = await rawGet(app, '/api/cases?limit=100', { cookie: admin, 'accept-encoding': 'gzip' });
    const br = await rawGet(app, '/api/cases?limit=100', { cookie: admin, 'accept-encoding': 'br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.body.length).toBeLessThan(plain.body.length / 4);
    console.log(
      `/api/cases?limit=100 bytes: ${plain.body.length} plain, ${gzip.body.length} gzip, ${br.body.length} br`,
    );
    const board = await rawGet(app, '/board', { 'accept-encoding': 'gzip' });
    expect(board.headers['content-encoding']).toBe('gzip');
    // The stream answers its first event at once, uncompressed (a compressor would hold it back).
    const events = await rawGet(
      app,
      '/api/events',
      { cookie: admin, 'accept-encoding': 'gzip, br' },
      { firstChunkOnly: true },
    );
    expect(events.status).toBe(200);
    expect(events.headers['content-encoding']).toBeUndefined();
    expect(events.body.toString('utf8')).toContain('event: hello');
  });

  it('exports the filtered list as CSV: BOM, RFC 4180, formulas defused, no personal data', async () => {
    const res = await fetch(`${app.baseUrl}/api/cases/export?format=csv&department=DLH`, {
      headers: { cookie: admin },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kasus-terbuka-2026-11-20.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n').filter(Boolean);
    const counts = await countOpenCases(prisma(), NOW, { departments: ['DLH'] });
    expect(lines.length).toBe(counts.total.open + 1);
    expect(res.headers.get('x-total-count')).toBe(String(counts.total.open));
    expect(res.headers.get('x-export-truncated')).toBe('false');
    expect(lines[0]).toBe(
      'Nomor,Jenis,Judul,Dinas,Status,Dipegang,Diajukan (WIB),Batas waktu (WIB),Keadaan SLA,Sisa / lewat,Lokasi',
    );
    const formula = lines.find((l) => l.startsWith('X00000001,'))!;
    // The place starts with "=" and holds a comma and quotes: quoted, quotes doubled, apostrophe first.
    expect(formula.endsWith(`,"'=1+2, ""Gang Rumus"""`)).toBe(true);
    expect(formula).toContain('Pengaduan,Sampah,');
    // Filed an hour before NOW (05:00 UTC), in city time with the zone's label.
    expect(formula).toContain(
      ',Belum dipegang,20 Nov 2026 11.00 WIB,22 Nov 2026 12.00 WIB,Tepat waktu,sisa 2 hari 0 jam,',
    );
    expect(text).not.toContain('HYPERLINK');
    for (const personal of [NIK, '6281200000000', 'Warga Uji Beban', 'Pemohon Uji', 'Warga Rumus'])
      expect(text).not.toContain(personal);
    // A number or an email typed in the place leaves the system masked, the place itself kept.
    const typed = lines.find((l) => l.startsWith('X00000003,'))!;
    expect(typed.endsWith(',rumah Andi ********8888 [email]')).toBe(true);
    const english = await fetch(`${app.baseUrl}/api/cases/export?format=csv&lang=en&q=X00000001`, {
      headers: { cookie: admin },
    });
    const en = Buffer.from(await english.arrayBuffer())
      .toString('utf8')
      .split('\r\n');
    expect(en[0]).toBe(
      '\uFEFFNumber,Kind,Title,Department,Status,Held by,Filed (WIB),Deadline (WIB),SLA state,Left / over,Place',
    );
    expect(en[1]).toMatch(/^X00000001,Complaint,Rubbish,.*,On time,2 d 0 h left,/);
  });

  it('cuts an export at EXPORT_MAX_ROWS and says so in its headers', async () => {
    const res = await fetch(`${app.baseUrl}/api/cases/export?format=csv`, { headers: { cookie: admin } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    const counts = await countOpenCases(prisma(), NOW, { departments: null });
    expect(counts.total.open).toBeGreaterThan(4000);
    expect(lines.length).toBe(4000 + 1);
    expect(res.headers.get('x-export-rows')).toBe('4000');
    expect(res.headers.get('x-total-count')).toBe(String(counts.total.open));
    expect(res.headers.get('x-export-truncated')).toBe('true');
  });

  it('exports an XLSX workbook with date cells', async () => {
    const res = await fetch(`${app.baseUrl}/api/cases/export?format=xlsx&department=DINKES`, {
      headers: { cookie: admin },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kasus-terbuka-2026-11-20.xlsx"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lk-xlsx-')), 'cases.xlsx');
    writeFileSync(file, bytes);
    const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString('utf8');
    const counts = await countOpenCases(prisma(), NOW, { departments: ['DINKES'] });
    expect(sheet.match(/<row /g)?.length).toBe(counts.total.open + 1);
    // Dates are numbers (serial days) with a date style, not text.
    expect(sheet).toMatch(/<c r="G2" s="\d+"><v>\d+(\.\d+)?<\/v><\/c>/);
    const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString('utf8');
    expect(strings).not.toContain(NIK);
    expect(strings).not.toContain('Warga Uji Beban');
  });
});
