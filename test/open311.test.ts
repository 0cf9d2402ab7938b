import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCity } from './support/testDatabase.js';
import { getJson, seedOfficer, signIn } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { createOpenApiValidator } from './support/openApiValidator.js';
import { readOpen311Xml, type Open311Xml } from './support/readOpen311Xml.js';
import { startApp, type TestApp } from './support/startApp.js';

// Open311 GeoReport v2 for complaints, against the whole app on PostgreSQL and Redis: a filed
// request becomes a complaint of the category's department, visible to that department's
// officers, the Inspectorate and the TV wall, and to the public list without personal data.
// Every route answers as the spec says (http://wiki.open311.org/GeoReport_v2, source
// GeoReport_v2/index.md of open311/open311.github.io): JSON and XML, comma lists, the error list
// with the spec's status codes. The spec's own examples are the fixtures in test/fixtures/open311/
// (see georeport-v2.source there); XML answers are read with fast-xml-parser, not the app's writer.

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

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'open311');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const SPEC = {
  services: readOpen311Xml(fixture('services.xml')),
  postRequest: fixture('post-request.form').trim(),
  postResponse: readOpen311Xml(fixture('post-response.xml')),
  tokenResponse: readOpen311Xml(fixture('token-response.xml')),
  requests: readOpen311Xml(fixture('requests.xml')),
  errors: readOpen311Xml(fixture('errors.xml')),
  errorsJson: JSON.parse(fixture('errors.json')) as Array<Record<string, unknown>>,
};

/**
 * The fields of each answer, in order, from the spec's "Response" tables (the spec's JSON examples
 * are not JSON: `"service_code":001`). An answer may leave out a field, never add or reorder one.
 */
const SPEC_FIELDS = {
  service: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  request: [
    'service_request_id',
    'status',
    'status_notes',
    'service_name',
    'service_code',
    'description',
    'agency_responsible',
    'service_notice',
    'requested_datetime',
    'updated_datetime',
    'expected_datetime',
    'address',
    'address_id',
    'zipcode',
    'lat',
    'long',
    'media_url',
  ],
  created: ['service_request_id', 'token', 'service_notice', 'account_id'],
  error: ['code', 'description'],
} as const;

/** The fields of `names` that are not in `spec`, or out of the spec's order. */
function offSpec(names: readonly string[], spec: readonly string[]): string[] {
  const positions = names.map((n) => spec.indexOf(n));
  return names.filter((n, i) => positions[i] === -1 || (i > 0 && positions[i]! < positions[i - 1]!));
}

/** XML items as rows of text, as the Spark convention maps them to JSON (empty element: null). */
const rowsOf = (xml: Open311Xml) => xml.items.map((item) => Object.fromEntries(item.fields));
/** JSON rows with every value as XML writes it. */
const asText = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));

describe('Open311 GeoReport v2', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let pupr = '';
  let dinkes = '';
  let inspectorate = '';

  const post = (form: Record<string, string>, type: 'form' | 'json' = 'form', format: 'json' | 'xml' = 'json') =>
    fetch(`${app.baseUrl}/open311/v2/requests.${format}`, {
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
  /** A GET as a client sends it: status, Content-Type and the body as text. */
  const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(`${app.baseUrl}${path}`, { method, headers });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      allow: res.headers.get('allow'),
      text: await res.text(),
    };
  };
  /** An XML answer: the spec's Content-Type, documented in the OpenAPI document, read by a parser of its own. */
  const xmlAnswer = (
    answer: { status: number; type: string | null; text: string },
    method: string,
    documented: string,
  ): Open311Xml => {
    expect(answer.type).toBe('text/xml; charset=utf-8');
    expect(answer.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(openapi.documents(method, documented, answer.status, 'text/xml')).toEqual([]);
    const xml = readOpen311Xml(answer.text);
    expect(xml).toMatchObject({ version: '1.0', encoding: 'UTF-8' });
    return xml;
  };
  /** The spec's error list in XML, shaped as its example (errors.xml): `<errors><error><code/><description/>`. */
  const expectXmlError = (xml: Open311Xml, code: number) => {
    expect(xml.root).toBe(SPEC.errors.root);
    expect(xml.items.map((i) => i.name)).toEqual([SPEC.errors.items[0]!.name]);
    expect(xml.items[0]!.fields.map(([name]) => name)).toEqual(SPEC.errors.items[0]!.fields.map(([name]) => name));
    expect(xml.items[0]!.fields[0]).toEqual(['code', String(code)]);
    return xml.items[0]!.fields[1]![1]!;
  };

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
    expectValid('get', '/open311/v2/services.{format}', 200, body);
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
    expectValid('post', '/open311/v2/requests.{format}', 403, body);
    expect(await app.core.db.prisma.complaint.count()).toBe(before);
  });

  it.each([
    { label: 'no service_code', form: { service_code: '' }, says: 'service_code' },
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
      expectValid('post', '/open311/v2/requests.{format}', 400, body);
      expect(body[0]!.description).toContain(says);
    },
  );

  it('files a complaint with a valid key, routed to its department, with the reporter given on the complaint', async () => {
    const res = await post(valid());
    expect(res.status).toBe(201);
    const body = (await res.json()) as Array<{ service_request_id: string; service_notice: string }>;
    expectValid('post', '/open311/v2/requests.{format}', 201, body);
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
    // The wall counts open cases per department (it lists only the overdue ones by number).
    const wall = tv.body as { departments: Array<{ code: string; open: number }> };
    expect(wall.departments.find((d) => d.code === 'PUPR')!.open).toBe(ofPupr.length);
  });

  it('lists requests without personal data, filterable by service, status and dates, and finds one by id', async () => {
    const list = await getJson(app, '/open311/v2/requests.json');
    expect(list.status).toBe(200);
    expectValid('get', '/open311/v2/requests.{format}', 200, list.body);
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
    expectValid('get', '/open311/v2/requests.{format}', 400, bad.body);

    const one = requests[0]!.service_request_id;
    const single = await getJson(app, `/open311/v2/requests/${one}.json`);
    expect(single.status).toBe(200);
    expectValid('get', '/open311/v2/requests/{id}.{format}', 200, single.body);
    expect(single.body).toEqual([requests[0]]);
    const missing = await getJson(app, '/open311/v2/requests/A00000000.json');
    expect(missing.status).toBe(404);
    expectValid('get', '/open311/v2/requests/{id}.{format}', 404, missing.body);
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

  it("GET services.xml: the elements of the spec's example, the same services as services.json", async () => {
    const answer = await get('/open311/v2/services.xml');
    expect(answer.status).toBe(200);
    const xml = xmlAnswer(answer, 'get', '/open311/v2/services.{format}');
    expect(xml.root).toBe(SPEC.services.root);
    expect(new Set(xml.items.map((i) => i.name))).toEqual(new Set(SPEC.services.items.map((i) => i.name)));
    // Every field of the spec's first example service, in its order.
    const specFields = SPEC.services.items[0]!.fields.map(([name]) => name);
    for (const item of xml.items) expect(item.fields.map(([name]) => name)).toEqual(specFields);
    const json = await get('/open311/v2/services.json');
    expect(json.type).toBe('application/json; charset=utf-8');
    const services = JSON.parse(json.text) as Array<Record<string, unknown>>;
    for (const row of services) expect(offSpec(Object.keys(row), SPEC_FIELDS.service)).toEqual([]);
    expect(rowsOf(xml)).toEqual(asText(services));
    // No category has attributes: metadata false everywhere, so no client asks for a definition.
    expect(new Set(rowsOf(xml).map((r) => r.metadata))).toEqual(new Set(['false']));
  });

  it.each([
    {
      label: 'a service whose metadata is false',
      path: '/open311/v2/services/jalan',
      documented: '/open311/v2/services/{service_code}.{format}',
      says: 'metadata is false',
    },
    {
      label: 'an unknown service',
      path: '/open311/v2/services/ufo',
      documented: '/open311/v2/services/{service_code}.{format}',
      says: 'no service ufo',
    },
    {
      // The token of the spec's example (token-response.xml).
      label: 'a token (every service is realtime)',
      path: `/open311/v2/tokens/${Object.fromEntries(SPEC.tokenResponse.items[0]!.fields).token}`,
      documented: '/open311/v2/tokens/{token}.{format}',
      says: 'realtime',
    },
  ])('GET Service Definition / token for $label: 404 in the error format of .json and .xml', async (row) => {
    const json = await get(`${row.path}.json`);
    expect(json.status).toBe(404);
    expect(json.type).toBe('application/json; charset=utf-8');
    const body = JSON.parse(json.text) as Array<{ code: number; description: string }>;
    expect(openapi.errors('get', row.documented, 404, body)).toEqual([]);
    // Shaped as the spec's JSON error example (errors.json).
    expect(body.map((e) => Object.keys(e))).toEqual(SPEC.errorsJson.map((e) => Object.keys(e)));
    expect(body[0]).toMatchObject({ code: 404, description: expect.stringContaining(row.says) });
    const xml = xmlAnswer(await get(`${row.path}.xml`), 'get', row.documented);
    expect(expectXmlError(xml, 404)).toBe(body[0]!.description.replaceAll('.json', '.xml'));
  });

  /** The spec's own example POST (post-request.form), with some fields changed. */
  const specForm = (changes: Record<string, string>) => {
    const form = new URLSearchParams(SPEC.postRequest);
    for (const [name, value] of Object.entries(changes)) form.set(name, value);
    return form.toString();
  };
  const postXml = async (body: string, contentType = 'application/x-www-form-urlencoded; charset=utf-8') => {
    const res = await fetch(`${app.baseUrl}/open311/v2/requests.xml`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it.each([
    { label: 'as it stands (api_key=xyz)', changes: {}, status: 403, says: 'api_key' },
    {
      label: "with this city's key: service_code 001 is not one of services",
      changes: { api_key: KEY },
      status: 404,
      says: 'service_code is not one of services.xml',
    },
  ] as Array<{ label: string; changes: Record<string, string>; status: number; says: string }>)(
    "POST requests.xml with the spec's example request $label: $status, the error list in XML",
    async (row) => {
      const before = await app.core.db.prisma.complaint.count();
      const xml = xmlAnswer(await postXml(specForm(row.changes)), 'post', '/open311/v2/requests.{format}');
      expect(expectXmlError(xml, row.status)).toContain(row.says);
      expect(await app.core.db.prisma.complaint.count()).toBe(before);
    },
  );

  it("POST requests.xml: the spec's example request with this city's key and service files it; the answer has the elements of the spec's example", async () => {
    const answer = await postXml(specForm({ api_key: KEY, service_code: 'jalan' }));
    expect(answer.status).toBe(201);
    const xml = xmlAnswer(answer, 'post', '/open311/v2/requests.{format}');
    expect(xml.root).toBe(SPEC.postResponse.root);
    expect(xml.items.map((i) => i.name)).toEqual(SPEC.postResponse.items.map((i) => i.name));
    expect(xml.items[0]!.fields.map(([name]) => name)).toEqual(SPEC.postResponse.items[0]!.fields.map(([n]) => n));
    const created = Object.fromEntries(xml.items[0]!.fields);
    expect(created.account_id).toBeNull();
    expect(created.service_notice).toContain('Dinas Pekerjaan Umum');
    const row = await app.core.db.prisma.complaint.findUniqueOrThrow({
      where: { trackingNumber: created.service_request_id! },
    });
    // The spec's fields as filed; its attribute[...], device_id, account_id and media_url are not kept.
    expect(row).toMatchObject({
      categoryCode: 'jalan',
      departmentCode: 'PUPR',
      description: 'A large sinkhole is destroying the street',
      locationText: '1234 5th street',
      latitude: 37.76524078,
      longitude: -122.4212043,
      reporterName: 'john smith',
      reporterEmail: 'smit333@sfgov.edu',
      // An international number of 9 digits, as written in the spec.
      reporterPhone: '111111111',
    });
  });

  it("GET requests.xml and requests/{id}.xml: the elements of the spec's example, the same requests as JSON", async () => {
    const answer = await get('/open311/v2/requests.xml');
    expect(answer.status).toBe(200);
    const xml = xmlAnswer(answer, 'get', '/open311/v2/requests.{format}');
    expect(xml.root).toBe(SPEC.requests.root);
    expect(new Set(xml.items.map((i) => i.name))).toEqual(new Set(SPEC.requests.items.map((i) => i.name)));
    const specFields = SPEC.requests.items[0]!.fields.map(([name]) => name);
    for (const item of xml.items)
      expect(
        offSpec(
          item.fields.map(([name]) => name),
          specFields,
        ),
      ).toEqual([]);
    const json = (await getJson(app, '/open311/v2/requests.json')).body as Array<Record<string, unknown>>;
    for (const row of json) expect(offSpec(Object.keys(row), SPEC_FIELDS.request)).toEqual([]);
    expect(rowsOf(xml)).toEqual(asText(json));
    expect(xml.items.length).toBeGreaterThanOrEqual(4);

    const first = rowsOf(xml)[0]!;
    const one = xmlAnswer(
      await get(`/open311/v2/requests/${first.service_request_id}.xml`),
      'get',
      '/open311/v2/requests/{id}.{format}',
    );
    expect(one.root).toBe(SPEC.requests.root);
    expect(rowsOf(one)).toEqual([first]);
    const missing = await get('/open311/v2/requests/A00000000.xml');
    expect(missing.status).toBe(404);
    expect(expectXmlError(xmlAnswer(missing, 'get', '/open311/v2/requests/{id}.{format}'), 404)).toContain('A00000000');
  });

  it('GET requests: service_code and status as comma lists or repeated, service_request_id as a comma list overriding the rest', async () => {
    type Row = { service_request_id: string; service_code: string; status: string };
    const list = async (query: string) => {
      const answer = await getJson(app, `/open311/v2/requests.json?${query}`);
      expect(answer.status).toBe(200);
      return answer.body as Row[];
    };
    const all = await list('');
    const jalanOrSampah = all.filter((r) => r.service_code === 'jalan' || r.service_code === 'sampah');
    expect(new Set(jalanOrSampah.map((r) => r.service_code))).toEqual(new Set(['jalan', 'sampah']));
    expect(await list('service_code=jalan,sampah')).toEqual(jalanOrSampah);
    expect(await list('service_code=jalan&service_code=sampah')).toEqual(jalanOrSampah);
    expect(await list('service_code=jalan,,sampah,')).toEqual(jalanOrSampah);
    expect(new Set(all.map((r) => r.status))).toEqual(new Set(['open', 'closed']));
    expect(await list('status=open,closed')).toEqual(all);
    expect(await list('status=open&status=closed')).toEqual(all);
    expect(await list('status=closed,')).toEqual(all.filter((r) => r.status === 'closed'));
    expect(await list('service_code=jalan,sampah&status=open')).toEqual(
      jalanOrSampah.filter((r) => r.status === 'open'),
    );

    const two = [all.find((r) => r.service_code === 'jalan')!, all.find((r) => r.service_code === 'sampah')!];
    const ids = two.map((r) => r.service_request_id);
    // "This overrides all other arguments": the two open requests, though status, service_code and dates say otherwise.
    const overridden = await list(
      `service_request_id=${ids.join(',')}&status=closed&service_code=lampu&start_date=2000-01-01T00:00:00Z`,
    );
    expect(overridden.map((r) => r.service_request_id).sort()).toEqual([...ids].sort());

    const xml = xmlAnswer(
      await get('/open311/v2/requests.xml?service_code=jalan,sampah'),
      'get',
      '/open311/v2/requests.{format}',
    );
    expect(rowsOf(xml)).toEqual(asText(jalanOrSampah));
    const bad = await get('/open311/v2/requests.xml?status=open,pending');
    expect(bad.status).toBe(400);
    expect(expectXmlError(xmlAnswer(bad, 'get', '/open311/v2/requests.{format}'), 400)).toContain('status');
  });

  it('GET requests: dates within one span of 90 days, as the spec limits it', async () => {
    const day = (n: number) => encodeURIComponent(new Date(app.clock.now.getTime() + n * 86_400_000).toISOString());
    const all = (await getJson(app, '/open311/v2/requests.json')).body as unknown[];
    for (const [query, says] of [
      [`start_date=${day(-91)}&end_date=${day(0)}`, 'at most 90 days'],
      [`start_date=${day(0)}&end_date=${day(-1)}`, 'before start_date'],
      [`start_date=${day(-1)}&start_date=${day(-2)}`, 'once'],
    ] as const) {
      const bad = await getJson(app, `/open311/v2/requests.json?${query}`);
      expect(bad.status).toBe(400);
      expectValid('get', '/open311/v2/requests.{format}', 400, bad.body);
      expect((bad.body as Array<{ description: string }>)[0]!.description).toContain(says);
    }
    // One date fixes one end of a 90-day span: from 100 days ago the span ends before anything was filed.
    expect((await getJson(app, `/open311/v2/requests.json?start_date=${day(-100)}`)).body).toEqual([]);
    expect((await getJson(app, `/open311/v2/requests.json?end_date=${day(1)}`)).body).toEqual(all);
    expect((await getJson(app, `/open311/v2/requests.json?start_date=${day(-89)}&end_date=${day(1)}`)).body).toEqual(
      all,
    );
  });

  it.each([
    { path: '/open311/v2/nothing.json', format: 'json' },
    { path: '/open311/v2/nothing.xml', format: 'xml' },
    { path: '/open311/v2/services.csv', format: 'json', says: 'format csv' },
    { path: '/open311/v2/services.csv', accept: 'text/xml', format: 'xml', says: 'format csv' },
    { path: '/open311/v2/requests/A00000001.html', format: 'json', says: 'format html' },
    { path: '/open311/v2/tokens/12345.yaml', format: 'json', says: 'format yaml' },
    { path: '/open311/v2/services', format: 'json' },
    { path: '/open311/v2/requests/A00000001/notes.xml', format: 'xml' },
    { path: '/open311/v3/services.xml', format: 'xml' },
    { path: '/open311', format: 'json' },
  ] as Array<{ path: string; format: 'json' | 'xml'; accept?: string; says?: string }>)(
    "$path (Accept: $accept): 404 as the spec's error list in $format, never an HTML page",
    async ({ path: url, format, accept, says }) => {
      const answer = await get(url, accept ? { accept } : {});
      expect(answer.status).toBe(404);
      let description: string;
      if (format === 'xml') {
        expect(answer.type).toBe('text/xml; charset=utf-8');
        description = expectXmlError(readOpen311Xml(answer.text), 404);
      } else {
        expect(answer.type).toBe('application/json; charset=utf-8');
        const body = JSON.parse(answer.text) as Array<{ code: number; description: string }>;
        expect(body).toEqual([{ code: 404, description: expect.any(String) }]);
        description = body[0]!.description;
      }
      expect(description).toContain(says ?? 'no such resource');
    },
  );

  it.each([
    ['DELETE', '/open311/v2/services.xml', 'GET', 'xml'],
    ['PUT', '/open311/v2/requests.json', 'GET, POST', 'json'],
    ['POST', '/open311/v2/requests/A00000001.xml', 'GET', 'xml'],
    ['PATCH', '/open311/v2/tokens/12345.json', 'GET', 'json'],
  ])('%s %s: 400 with Allow: %s, in %s', async (method, url, allow, format) => {
    const answer = await get(url, {}, method);
    expect(answer.status).toBe(400);
    expect(answer.allow).toBe(allow);
    const description =
      format === 'xml'
        ? expectXmlError(readOpen311Xml(answer.text), 400)
        : (JSON.parse(answer.text) as Array<{ description: string }>)[0]!.description;
    expect(description).toContain(method);
  });

  it.each([
    {
      label: 'a JSON body with a trailing comma',
      body: `{"api_key":"${KEY}",}`,
      type: 'application/json',
      status: 400,
    },
    { label: 'a form past 32 KB', body: `description=${'x'.repeat(40_000)}`, type: undefined, status: 413 },
  ])('POST requests.xml with $label: $status, the error list in XML', async ({ body, type, status }) => {
    const answer = await postXml(body, type);
    expect(answer.status).toBe(status);
    expectXmlError(xmlAnswer(answer, 'post', '/open311/v2/requests.{format}'), status);
  });

  it("publishes coordinates rounded to the coarser of Open311's and the city's privacy decimals (UU PDP)", async () => {
    const res = await post(valid({ lat: '3.5951962', long: '98.6722231' }));
    const id = ((await res.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
    const published = async () =>
      ((await getJson(app, `/open311/v2/requests/${id}.json`)).body as Array<{ lat: number; long: number }>)[0]!;
    expect(await published()).toMatchObject({ lat: 3.595, long: 98.672 });
    const privacy = app.core.city.privacy;
    const decimals = privacy.coordinateDecimals;
    try {
      privacy.coordinateDecimals = 2;
      expect(await published()).toMatchObject({ lat: 3.6, long: 98.67 });
    } finally {
      privacy.coordinateDecimals = decimals;
    }
    const stored = await app.core.db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: id } });
    expect(stored).toMatchObject({ latitude: 3.5951962, longitude: 98.6722231 });
  });

  it('never writes an API key to the logs', () => {
    const logs = app.logLines.join('\n');
    expect(logs).toContain('"via":"open311"');
    expect(logs).not.toContain(KEY);
    expect(logs).not.toContain(OTHER_KEY);
  });
});
