import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCaseStatus } from '../core/cases/changeCaseStatus.js';
import { submitPermit } from '../core/cases/permitService.js';
import { FakeTwilioApi, postSignedTwilio } from './support/fakeTwilio.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { writeTestCity } from './support/writeTestCity.js';

const AUTH_TOKEN = 'hold-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'4'.repeat(32)}`;
const CITY_NUMBER = '+15005550006';
const CITIZEN = '+6281377700001';
const OFFICER = { type: 'officer' as const, id: 'officer-test' };

/**
 * Status notices wait the city's `coalesceSeconds` for the officer's next step: three steps in a
 * minute reach the citizen as one SMS with the last status, and the conversation is never held
 * up behind a notice that waits.
 */
describe('status notices held to go as one (city coalesceSeconds = 60)', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  let serial = 0;
  const sms = (body: string) =>
    postSignedTwilio(`${app.baseUrl}/webhooks/twilio/sms`, AUTH_TOKEN, {
      MessageSid: `SM${String(++serial).padStart(32, '4')}`,
      AccountSid: ACCOUNT_SID,
      From: CITIZEN,
      To: CITY_NUMBER,
      Body: body,
    });
  const toCitizen = () => api.calls.filter((c) => c.To === CITIZEN).map((c) => c.Body);

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: CITY_NUMBER,
        SMS_RATE_PER_SECOND: '50',
        CITY_DATA_DIR: writeTestCity('test/fixtures/city-notice-hold.json'),
      },
      { twilioHttpClient: api.httpClient() },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  it('three steps within the hold are one SMS with the last status; a reply meanwhile is not held up', async () => {
    expect(app.core.city.notifications.coalesceSeconds).toBe(60);
    const prisma = app.core.db.prisma;
    expect((await sms('halo')).status).toBe(200);
    await eventually(() => toCitizen().length > 0);
    const citizen = await prisma.citizen.findUniqueOrThrow({ where: { phone: CITIZEN.slice(1) } });
    const filed = await submitPermit(
      prisma,
      app.core.city,
      {
        citizenId: citizen.id,
        typeCode: 'SIUP',
        applicantName: 'Rina Marlina',
        nik: '1275014501900007',
        phone: CITIZEN.slice(1),
        email: null,
        fields: { businessName: 'Toko Rina', businessAddress: 'Jl. Kenanga 1' },
      },
      app.clock.now,
    );
    const before = toCitizen().length;

    const rows: string[] = [];
    for (const to of ['verified', 'in_process', 'done'] as const) {
      app.clock.now = new Date(app.clock.now.getTime() + 10_000);
      const changed = await changeCaseStatus(prisma, app.core.city, {
        trackingNumber: filed.trackingNumber,
        to,
        actor: OFFICER,
        note: to === 'done' ? 'Izin bisa diambil di MPP' : undefined,
        now: app.clock.now,
      });
      await app.runtime.dispatcher.dispatch(changed.outbox);
      rows.push(...changed.outbox.map((o) => o.id));
    }
    // One notice row for the three changes, holding the last status and the note.
    expect(rows).toHaveLength(1);
    const notice = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: rows[0]! } });
    const keys = (notice.replies as Array<{ lines: Array<{ key: string; params?: { status?: string } }> }>)
      .flatMap((r) => r.lines)
      .map((l) => (l.key === 'notify.status' ? `${l.key}:${l.params?.status}` : l.key));
    expect(keys).toEqual(['notify.status:done', 'notify.note']);

    // The citizen asks meanwhile: answered at once, not behind the waiting notice.
    expect((await sms(`cek ${filed.trackingNumber}`)).status).toBe(200);
    await eventually(() =>
      toCitizen()
        .slice(before)
        .some((b) => b.includes(filed.trackingNumber)),
    );
    expect(
      toCitizen()
        .slice(before)
        .some((b) => b.includes('Status') && b.includes('Selesai.')),
    ).toBe(false);
    expect((await prisma.outboxMessage.findUniqueOrThrow({ where: { id: notice.id } })).status).toBe('pending');

    // Once the hold is over it goes, once, as one SMS.
    app.clock.now = new Date(app.clock.now.getTime() + 61_000);
    await app.runtime.relay.deliver([notice.id]);
    const sent = await eventually(async () => {
      const row = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: notice.id } });
      return row.status === 'sent' ? row : null;
    });
    expect(sent.attempts).toBe(1);
    const notices = toCitizen().filter((b) => b.includes(`Status ${filed.trackingNumber}`));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Selesai');
    expect(notices[0]).not.toContain('Diverifikasi');
    expect(notices[0]).toContain('Izin bisa diambil di MPP');
  });
});
