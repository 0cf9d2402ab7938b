import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCity } from './support/testDatabase.js';
import { getJson, seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { createOpenApiValidator } from './support/openApiValidator.js';
import { startApp, type TestApp } from './support/startApp.js';

// Open311 GeoReport v2 for complaints, against the whole app on PostgreSQL and Redis: a filed
// request becomes a complaint of the category's department, visible to that department's
// officers, the Inspectorate and the TV wall, and to the public list without personal data.

const KEY = 'open311-test-key-0123456789';
const OTHER_KEY = 'second-client-key-abcdefghij';
const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const REPORTER = {
  first_name: 'Bambang',
  last_name: 'Sutrisno',
  email: 'bambang.s@example.org',
  phone: '0813-7777-1234',
};
const DESCRIPTION = 'Lubang besar di tengah jalan, sudah dua motor jatuh minggu ini';
const openapi = createOpenApiValidator();

describe('Open311 GeoReport v2', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let pupr = '';
  let dinkes = '';
  let inspectorate = '';

  const post = (form: Record<string, string>, type: 'form' | 'json' = 'form') =>
    fetch(`${app.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: type === 'form' ? new URLSearchParams(form).toString() : JSON.stringify(form),
    });
  const valid = (extra: Record<string, string> = {}) => ({
    api_key: KEY,
    service_code: 'jalan',
    description: DESCRIPTION,
    lat: '3.5952',
    long: '98.6722',
    address_string: 'Jl. Gatot Subroto dekat simpang Sei Sikambing',
    ...REPORTER,
    ...extra,
  });
  const expectValid = (method: string, path: string, status: number, body: unknown) =>
    expect(openapi.errors(method, path, status, body)).toEqual([]);

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'2'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        OPEN311_API_KEYS: `${KEY}, ${OTHER_KEY}`,
        SESSION_SECRET: 'open311-test-session-secret-0123456789',
      },
      { twilioHttpClient: api.httpClient() },
    );
    const officers = await Promise.all([
      seedOfficer(app, { name: 'Petugas PUPR', role: 'officer', departmentCode: 'PUPR', phone: '6281100000101' }),
      seedOfficer(app, { name: 'Petugas Dinkes', role: 'officer', departmentCode: 'DINKES', phone: '6281100000102' }),
      seedOfficer(app, {
        name: 'Inspektur',
        role: 'inspectorate',
        departmentCode: 'INSPEKTORAT',
        phone: '6281100000103',
      }),
    ]);
    const signedIn = await Promise.all(officers.map((o) => signIn(app, api, o.phone)));
    [pupr, dinkes, inspectorate] = [signedIn[0]!, signedIn[1]!, signedIn[2]!];
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it('lists the 13 complaint categories as services', async () => {
    const { status, body } = await getJson(app, '/open311/v2/services.json');
    expect(status).toBe(200);
    expectValid('get', '/open311/v2/services.json', 200, body);
    const services = body as Array<{ service_code: string; service_name: string; group: string }>;
    expect(services).toHaveLength(13);
    expect(services.map((s) => s.service_code)).toEqual(defaultCity.complaintCategories.map((c) => c.code));
    expect(services.find((s) => s.service_code === 'jalan')).toMatchObject({
      service_name: 'Jalan rusak',
      group: 'Dinas Pekerjaan Umum dan Penataan Ruang',
    });
  });

  it.each([
    { label: 'no api_key', form: { api_key: '' } },
    { label: 'a wrong api_key', form: { api_key: 'not-a-key-of-this-city-000' } },
    { label: 'a key that is only a prefix of a real one', form: { api_key: KEY.slice(0, -1) } },
  ])('refuses a request with $label: 403 in the Open311 error format, nothing filed', async ({ form }) => {
    const before = await app.core.db.prisma.complaint.count();
    const res = await post(valid(form));
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body).toEqual([{ code: 403, description: 'api_key is missing or not valid' }]);
    expectValid('post', '/open311/v2/requests.json', 403, body);
    expect(await app.core.db.prisma.complaint.count()).toBe(before);
  });

  it.each([
    { label: 'an unknown service_code', form: { service_code: 'ufo' }, says: 'service_code' },
    { label: 'no description', form: { description: '' }, says: 'description' },
    { label: 'no location at all', form: { lat: '', long: '', address_string: '' }, says: 'location' },
    { label: 'a latitude without longitude', form: { long: '' }, says: 'lat and long' },
    { label: 'a latitude off the globe', form: { lat: '123' }, says: 'lat and long' },
    { label: 'a phone that is no phone', form: { phone: 'call me' }, says: 'phone' },
    { label: 'a broken email', form: { email: 'bambang@' }, says: 'email' },
  ] as Array<{ label: string; form: Record<string, string>; says: string }>)(
    'answers 400 for $label',
    async ({ form, says }) => {
      const res = await post(valid(form));
      expect(res.status).toBe(400);
      const body = (await res.json()) as Array<{ code: number; description: string }>;
      expectValid('post', '/open311/v2/requests.json', 400, body);
      expect(body[0]!.description).toContain(says);
    },
  );

  it('files a complaint with a valid key, routed to its department, with the reporter given on the complaint', async () => {
    const res = await post(valid());
    expect(res.status).toBe(201);
    const body = (await res.json()) as Array<{ service_request_id: string; service_notice: string }>;
    expectValid('post', '/open311/v2/requests.json', 201, body);
    const id = body[0]!.service_request_id;
    expect(id).toMatch(/^A\d{8}$/);
    expect(body[0]!.service_notice).toContain('Dinas Pekerjaan Umum');

    const complaint = await app.core.db.prisma.complaint.findUniqueOrThrow({
      where: { trackingNumber: id },
      include: { citizen: true, events: true },
    });
    expect(complaint).toMatchObject({
      categoryCode: 'jalan',
      departmentCode: 'PUPR',
      status: 'waiting',
      description: DESCRIPTION,
      locationText: 'Jl. Gatot Subroto dekat simpang Sei Sikambing',
      latitude: 3.5952,
      longitude: 98.6722,
      anonymous: false,
      reporterName: 'Bambang Sutrisno',
      reporterEmail: REPORTER.email,
      reporterPhone: '6281377771234',
    });
    // The request's own citizen row: a number typed with a request finds nobody's row or chats.
    expect(complaint.citizen).toMatchObject({ phone: null, email: null, fullName: null });
    expect(complaint.events).toHaveLength(1);
    // The department's officers hear of it, as of a complaint by chat (in quiet hours the SMS
    // waits for the morning, so the outbox is what is checked).
    const told = await app.core.db.prisma.outboxMessage.findMany({
      where: { kind: 'notification', officerId: { not: null } },
      include: { officer: true },
    });
    const about = told.filter((m) => JSON.stringify(m.replies).includes(id));
    expect(about.map((m) => m.officer?.name)).toEqual(['Petugas PUPR']);

    // The same reporter again (JSON this time, the second key): a row of that request's own.
    const again = await post(
      valid({
        api_key: OTHER_KEY,
        service_code: 'sampah',
        description: 'Sampah menumpuk di pinggir sungai sejak Senin',
      }),
      'json',
    );
    expect(again.status).toBe(201);
    const [second] = (await again.json()) as Array<{ service_request_id: string }>;
    const secondRow = await app.core.db.prisma.complaint.findUniqueOrThrow({
      where: { trackingNumber: second!.service_request_id },
    });
    expect(secondRow).toMatchObject({ departmentCode: 'DLH', reporterPhone: '6281377771234' });
    expect(secondRow.citizenId).not.toBe(complaint.citizenId);
  });

  it('shows the new complaint in /api/cases to its department and the Inspectorate, not to another department, and on the TV wall', async () => {
    const res = await post(valid({ description: 'Jalan amblas di depan sekolah dasar, berbahaya untuk anak-anak' }));
    const [created] = (await res.json()) as Array<{ service_request_id: string }>;
    const id = created!.service_request_id;

    const seen = async (cookie: string) => {
      const { status, body } = await getJson(app, '/api/cases', cookie);
      expect(status).toBe(200);
      expectValid('get', '/api/cases', 200, body);
      return (body as { cases: Array<{ trackingNumber: string; departmentCode: string }> }).cases;
    };
    const ofPupr = await seen(pupr);
    expect(ofPupr.map((c) => c.trackingNumber)).toContain(id);
    expect(new Set(ofPupr.map((c) => c.departmentCode))).toEqual(new Set(['PUPR']));
    expect((await seen(inspectorate)).map((c) => c.trackingNumber)).toContain(id);
    expect((await seen(dinkes)).map((c) => c.trackingNumber)).not.toContain(id);

    const ofPuprCase = ofPupr.find((c) => c.trackingNumber === id);
    expect(ofPuprCase).toMatchObject({ kind: 'complaint', title: 'Jalan rusak', status: 'waiting', holder: null });

    const tv = await getJson(app, '/api/board/tv');
    expect(tv.status).toBe(200);
    expectValid('get', '/api/board/tv', 200, tv.body);
    expect((tv.body as { cases: Array<{ trackingNumber: string }> }).cases.map((c) => c.trackingNumber)).toContain(id);
  });

  it('lists requests without personal data, filterable by service, status and dates, and finds one by id', async () => {
    const list = await getJson(app, '/open311/v2/requests.json');
    expect(list.status).toBe(200);
    expectValid('get', '/open311/v2/requests.json', 200, list.body);
    const requests = list.body as Array<{ service_request_id: string; service_code: string; status: string }>;
    expect(requests.length).toBeGreaterThanOrEqual(3);
    const text = JSON.stringify(list.body);
    for (const secret of [
      'Bambang',
      'Sutrisno',
      'bambang.s@example.org',
      '6281377771234',
      '7777',
      'Lubang besar',
      'Gatot Subroto',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(requests.every((r) => r.status === 'open')).toBe(true);

    const ids = async (query: string) =>
      (await getJson(app, `/open311/v2/requests.json?${query}`)).body as Array<{
        service_request_id: string;
        service_code: string;
      }>;
    expect((await ids('service_code=sampah')).map((r) => r.service_code)).toEqual(['sampah']);
    expect(await ids('status=closed')).toEqual([]);
    expect((await ids('status=open')).length).toBe(requests.length);
    const future = new Date(app.clock.now.getTime() + 86_400_000).toISOString();
    expect(await ids(`start_date=${encodeURIComponent(future)}`)).toEqual([]);
    const past = new Date(app.clock.now.getTime() - 86_400_000).toISOString();
    expect((await ids(`start_date=${encodeURIComponent(past)}&end_date=${encodeURIComponent(future)}`)).length).toBe(
      requests.length,
    );

    const bad = await getJson(app, '/open311/v2/requests.json?status=pending');
    expect(bad.status).toBe(400);
    expectValid('get', '/open311/v2/requests.json', 400, bad.body);

    const one = requests[0]!.service_request_id;
    const single = await getJson(app, `/open311/v2/requests/${one}.json`);
    expect(single.status).toBe(200);
    expectValid('get', '/open311/v2/requests/{id}.json', 200, single.body);
    expect(single.body).toEqual([requests[0]]);
    const missing = await getJson(app, '/open311/v2/requests/A00000000.json');
    expect(missing.status).toBe(404);
    expectValid('get', '/open311/v2/requests/{id}.json', 404, missing.body);
  });

  it('closes a request in the list when its complaint is closed', async () => {
    const res = await post(
      valid({ service_code: 'lampu', description: 'Lampu jalan mati sepanjang gang Mawar tiga malam ini' }),
    );
    const [created] = (await res.json()) as Array<{ service_request_id: string }>;
    const id = created!.service_request_id;
    await app.core.db.prisma.complaint.update({
      where: { trackingNumber: id },
      data: { status: 'rejected', closedAt: app.clock.now },
    });
    const closed = (await getJson(app, '/open311/v2/requests.json?status=closed')).body as Array<{
      service_request_id: string;
    }>;
    expect(closed.map((r) => r.service_request_id)).toEqual([id]);
  });

  it('never writes an API key to the logs', () => {
    const logs = app.logLines.join('\n');
    expect(logs).toContain('"via":"open311"');
    expect(logs).not.toContain(KEY);
    expect(logs).not.toContain(OTHER_KEY);
  });
});
