import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../app/commandCenter/sessionCookie.js';
import { submitComplaint } from '../core/cases/complaintService.js';
import { handleInbound } from '../core/inbox/handleInbound.js';
import { notifyStatusChange } from '../core/notify/notifyStatusChange.js';
import { getJson } from './support/commandCenter.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { startApp, type TestApp } from './support/startApp.js';

// The trail of who looked (UU PDP): every officer read of a case's personal data is a
// PersonalDataEvent naming exactly the fields shown; a refused read writes none.

const SECRET = 'privacy-trail-session-secret-0123456789';
const PUPR_PHONE = '6281100000301';
const DLH_PHONE = '6281100000302';
const HOUR = 3_600_000;

describe('the trail of officer reads', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let serial = 0;
  const prisma = () => app.core.db.prisma;
  const officers = { pupr: '', dlh: '' };
  let named = '';
  let anonymous = '';

  /** A complaint in PUPR's care, filed by a citizen with a name and number. */
  const fileLamp = async (phone: string, isAnonymous: boolean) => {
    const citizen = await prisma().citizen.create({ data: { fullName: 'Sari Lubis', phone } });
    const filed = await prisma().$transaction((tx) =>
      submitComplaint(
        tx,
        app.core.city,
        {
          citizenId: citizen.id,
          categoryCode: 'lampu',
          description: 'Lampu jalan mati di depan masjid',
          locationText: 'Jl. Sisingamangaraja',
          latitude: 3.6,
          longitude: 98.67,
          anonymous: isAnonymous,
          photos: [],
        },
        app.clock.now,
      ),
    );
    return filed.trackingNumber;
  };
  const fromOfficer = (phone: string, text: string) =>
    handleInbound(app.core.inbox, {
      channel: 'sms',
      address: phone,
      externalId: `trail-${++serial}`,
      receivedAt: app.clock.now,
      text,
      phone,
    });
  const eventsOf = (trackingNumber: string) =>
    prisma().personalDataEvent.findMany({ where: { trackingNumber }, orderBy: { id: 'asc' } });
  const cookieOf = (officerId: string) =>
    `lk_session=${signSession({ sub: officerId, ver: 0, exp: app.clock.now.getTime() + HOUR }, SECRET)}`;

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'trail-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SESSION_SECRET: SECRET,
      },
      { twilioHttpClient: api.httpClient() },
    );
    const officer = (name: string, departmentCode: string, phone: string) =>
      prisma().officer.create({
        data: { name, role: 'officer', departmentCode, channel: 'sms', address: phone, phone },
      });
    officers.pupr = (await officer('Petugas PUPR', 'PUPR', PUPR_PHONE)).id;
    officers.dlh = (await officer('Petugas DLH', 'DLH', DLH_PHONE)).id;
    named = await fileLamp('6281355550101', false);
    anonymous = await fileLamp('6281355550102', true);
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it("records the bot timeline's read with the fields it shows, and nothing for a refused officer", async () => {
    await fromOfficer(DLH_PHONE, `/riwayat ${named}`);
    expect(await eventsOf(named)).toEqual([]);

    await fromOfficer(PUPR_PHONE, `/riwayat ${named}`);
    const [event, ...more] = await eventsOf(named);
    expect(more).toEqual([]);
    const complaint = await prisma().complaint.findUniqueOrThrow({ where: { trackingNumber: named } });
    expect(event).toMatchObject({
      actorType: 'officer',
      actorId: officers.pupr,
      action: 'view',
      via: 'bot',
      citizenId: complaint.citizenId,
      caseKind: 'complaint',
      fields: ['name', 'phone', 'description'],
    });
  });

  it("records no name or number for an anonymous complaint's timeline, which hides them", async () => {
    await fromOfficer(PUPR_PHONE, `/riwayat ${anonymous}`);
    const events = await eventsOf(anonymous);
    expect(events.map((e) => e.fields)).toEqual([['description']]);
  });

  it('records one read of the case page API, and none when it is out of scope', async () => {
    const before = (await eventsOf(named)).length;
    expect((await getJson(app, `/api/cases/${named}`, cookieOf(officers.dlh))).status).toBe(404);
    expect(await eventsOf(named)).toHaveLength(before);

    const page = await getJson(app, `/api/cases/${named}`, cookieOf(officers.pupr));
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.body)).not.toContain('citizenId');
    const events = await eventsOf(named);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ via: 'board', action: 'view', fields: ['description', 'location'] });
  });

  it('records one export event per exported case', async () => {
    const res = await fetch(`${app.baseUrl}/api/cases/export?format=csv`, {
      headers: { cookie: cookieOf(officers.pupr) },
    });
    expect(res.status).toBe(200);
    const rows = Number(res.headers.get('X-Export-Rows'));
    expect(rows).toBeGreaterThanOrEqual(2);
    const exported = await prisma().personalDataEvent.findMany({ where: { action: 'export' } });
    expect(exported).toHaveLength(rows);
    expect(exported.every((e) => e.actorId === officers.pupr && e.via === 'export' && e.citizenId !== null)).toBe(true);
    expect(new Set(exported.map((e) => e.trackingNumber))).toEqual(new Set([named, anonymous]));
  });

  it('sends no email notice to a citizen who said BERHENTI EMAIL, and still one to one who did not', async () => {
    const emailsTo = async (emailNoticesOff: boolean) => {
      const citizen = await prisma().citizen.create({
        data: { fullName: 'Rina', email: `rina-${emailNoticesOff}@example.id`, emailNoticesOff },
      });
      const written = await prisma().$transaction((tx) =>
        notifyStatusChange(
          tx,
          {
            kind: 'complaint',
            trackingNumber: named,
            title: { id: 'Lampu', en: 'Lamp' },
            status: 'done',
            citizenId: citizen.id,
            note: null,
            email: null,
          },
          { now: app.clock.now, ms: 0 },
        ),
      );
      return written.filter((w) => w.channel === 'email').length;
    };
    expect(await emailsTo(true)).toBe(0);
    expect(await emailsTo(false)).toBe(1);
  });
});
