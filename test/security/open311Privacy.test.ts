import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCaseStatus } from '../../core/cases/changeCaseStatus.js';
import { getJson, seedOfficer, signIn } from '../support/commandCenter.js';
import { FakeTwilioApi, postSignedTwilio } from '../support/fakeTwilio.js';
import { readOpen311Xml } from '../support/readOpen311Xml.js';
import { eventually, startApp, type TestApp } from '../support/startApp.js';

// Open311 against the whole app: anyone with an API key can type any phone number, so a POST
// never changes the contact data of a citizen known by that number, never joins their chats, and
// the complaint's final notice goes to the details posted with it only. The public list shows
// coordinates at the city's precision (3 decimals by default) while officers keep the exact ones.

const KEY = 'open311-privacy-key-0123456789';
const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'8'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';
/** A citizen who has only ever written by SMS: no name, no email. */
const VICTIM = '6281355512345';
const ATTACKER_EMAIL = 'attacker@example.net';
const LAT = 3.595_178;
const LONG = 98.672_249;

describe('Open311 and the contact data of known citizens', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let officer = '';

  const post = (form: Record<string, string>) =>
    fetch(`${app.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: KEY,
        service_code: 'jalan',
        description: 'Lubang besar di depan rumah nomor dua belas, sudah seminggu',
        lat: String(LAT),
        long: String(LONG),
        ...form,
      }).toString(),
    });
  const filed = async (res: Response) => {
    expect(res.status).toBe(201);
    const [created] = (await res.json()) as Array<{ service_request_id: string }>;
    return created!.service_request_id;
  };

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: CITY_NUMBER,
        SMS_RATE_PER_SECOND: '50',
        OPEN311_API_KEYS: KEY,
        SESSION_SECRET: 'open311-privacy-test-secret-0123456789',
      },
      { twilioHttpClient: api.httpClient() },
    );
    const pupr = await seedOfficer(app, {
      name: 'Petugas PUPR',
      role: 'officer',
      departmentCode: 'PUPR',
      phone: '6281100000301',
    });
    officer = await signIn(app, api, pupr.phone);
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it('leaves a citizen known by SMS untouched and tells only the posted email when the complaint is done', async () => {
    const sms = await postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${'c'.repeat(32)}`,
      AccountSid: ACCOUNT_SID,
      From: `+${VICTIM}`,
      To: CITY_NUMBER,
      Body: 'menu',
    });
    expect(sms.status).toBeLessThan(300);
    const prisma = app.core.db.prisma;
    const before = await eventually(() =>
      prisma.citizen.findUnique({ where: { phone: VICTIM }, include: { identities: true } }),
    );
    expect(before).toMatchObject({ email: null, fullName: null });
    expect(before.identities.map((i) => [i.channel, i.address])).toEqual([['sms', VICTIM]]);

    // Someone else posts with the victim's number in the local way of writing it.
    const id = await filed(
      await post({ phone: '0813-5551-2345', email: ATTACKER_EMAIL, first_name: 'Orang', last_name: 'Lain' }),
    );

    const after = await prisma.citizen.findUniqueOrThrow({ where: { phone: VICTIM }, include: { identities: true } });
    expect(after).toEqual(before);
    const complaint = await prisma.complaint.findUniqueOrThrow({
      where: { trackingNumber: id },
      include: { citizen: { include: { identities: true } } },
    });
    expect(complaint.citizenId).not.toBe(before.id);
    // The request's own citizen: no chat of anybody's, no number, no contact data of its own.
    expect(complaint.citizen).toMatchObject({ phone: null, email: null, fullName: null, identities: [] });
    expect(complaint).toMatchObject({
      reporterName: 'Orang Lain',
      reporterEmail: ATTACKER_EMAIL,
      reporterPhone: VICTIM,
      anonymous: false,
    });

    const now = app.clock.now;
    for (const to of ['verified', 'in_process', 'done'] as const) {
      await changeCaseStatus(prisma, app.core.city, {
        trackingNumber: id,
        to,
        actor: { type: 'system' },
        note: to === 'done' ? 'Lubang sudah ditambal.' : undefined,
        now,
      });
    }
    const toCitizens = await prisma.outboxMessage.findMany({ where: { officerId: null } });
    const about = toCitizens.filter((m) => JSON.stringify(m.replies).includes(id));
    expect(about.map((m) => [m.channel, m.address])).toEqual([['email', ATTACKER_EMAIL]]);
    // Nothing at all of this complaint reaches the victim, on any channel.
    for (const m of toCitizens.filter((r) => r.citizenId === before.id || r.address === VICTIM)) {
      expect(JSON.stringify(m.replies)).not.toContain(id);
    }
  });

  it('tells the posted number of nobody known, by SMS, when the complaint is done', async () => {
    const stranger = '6281355598765';
    const id = await filed(await post({ phone: `+${stranger}` }));
    const prisma = app.core.db.prisma;
    expect(await prisma.citizen.findUnique({ where: { phone: stranger } })).toBeNull();
    for (const to of ['verified', 'in_process', 'done'] as const) {
      await changeCaseStatus(prisma, app.core.city, {
        trackingNumber: id,
        to,
        actor: { type: 'system' },
        note: to === 'done' ? 'Selesai.' : undefined,
        now: app.clock.now,
      });
    }
    const rows = await prisma.outboxMessage.findMany({ where: { officerId: null } });
    const about = rows.filter((m) => JSON.stringify(m.replies).includes(id));
    expect(about.map((m) => [m.channel, m.address])).toEqual([['sms', stranger]]);
  });

  it("publishes coordinates at the city's 3 decimals, and officers keep the exact ones", async () => {
    const id = await filed(await post({ description: 'Jalan amblas di tikungan dekat masjid raya kota' }));
    const rounded = { lat: 3.595, long: 98.672 };
    const list = await getJson(app, `/open311/v2/requests.json?service_request_id=${id}`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining(rounded)]);
    const one = await getJson(app, `/open311/v2/requests/${id}.json`);
    expect(one.body).toEqual([expect.objectContaining(rounded)]);
    expect(JSON.stringify([list.body, one.body])).not.toMatch(/3\.5951|98\.6722/);
    // The same in XML, which is written apart from the JSON: rounded, and nothing of the reporter.
    for (const path of [`requests.xml?service_request_id=${id}`, `requests/${id}.xml`]) {
      const xml = await (await fetch(`${app.baseUrl}/open311/v2/${path}`)).text();
      expect(readOpen311Xml(xml).items.map((i) => Object.fromEntries(i.fields))).toEqual([
        expect.objectContaining({ lat: '3.595', long: '98.672' }),
      ]);
      expect(xml).not.toMatch(/3\.5951|98\.6722|masjid/);
    }

    const row = await app.core.db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: id } });
    expect([row.latitude, row.longitude]).toEqual([LAT, LONG]);
    const stats = await getJson(app, '/api/stats', officer);
    const points = (
      stats.body as { map: { points: Array<{ trackingNumber: string; latitude: number; longitude: number }> } }
    ).map.points;
    expect(points.find((p) => p.trackingNumber === id)).toMatchObject({ latitude: LAT, longitude: LONG });
  });

  it('files text the database would refuse (a NUL, an emoji cut in half) with it made storable', async () => {
    const id = await filed(
      await post({
        description: 'Lubang besar\u0000 di depan rumah, sudah seminggu 🚧',
        address_string: `${'x'.repeat(299)}🚧 Jl. Kenanga`,
        first_name: 'Sari\ud83d',
      }),
    );
    const row = await app.core.db.prisma.complaint.findUniqueOrThrow({ where: { trackingNumber: id } });
    expect(row.description).toBe('Lubang besar di depan rumah, sudah seminggu 🚧');
    // Cut at 300 characters between whole ones: the emoji would have been the 300th and 301st units.
    expect(row.locationText).toBe(`${'x'.repeat(299)}🚧`);
    expect(row.reporterName).toBe('Sari\ufffd');
  });
});
