import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changeCaseStatus } from '../core/cases/changeCaseStatus.js';
import { workingCalendarOf } from '../core/cases/workingCalendarOf.js';
import { computeDeadline } from '../core/domain/deadline.js';
import { handleOfficerMessage } from '../core/officers/handleOfficerMessage.js';
import { laporDeadlines } from '../core/sla/caseClocks.js';
import { timerId, type SlaCase } from '../core/sla/planTimers.js';
import { FakeTwilioApi } from './support/fakeTwilio.js';
import { fileShortComplaint } from './support/fileShortComplaint.js';
import { nextLocalHour, runClock } from './support/runningClock.js';
import { emailsAbout as emailsAboutCase, smsAbout as smsAboutCase, smsAndEmailEnv } from './support/smsAndEmailEnv.js';
import { SmtpSink } from './support/smtpSink.js';
import { eventually, startApp, type TestApp } from './support/startApp.js';
import { TEST_REDIS_URL } from './support/testRedis.js';
import { wipeRedisPrefix } from './support/wipeRedisPrefix.js';
import { writeTestCity } from './support/writeTestCity.js';
import fixture from './fixtures/city-clocks.json' with { type: 'json' };

// SP4N-LAPOR's three clocks of a complaint end to end: the app on a fresh PostgreSQL database,
// real Redis and BullMQ delayed jobs with deadlines a few seconds away (no fake timers), local
// fakes only for the providers (Twilio's API, an SMTP server). Each complaint is filed through the
// core, then its three deadlines are moved close (fileShortComplaint), as test/sla.test.ts does
// with a permit's.

const INSPECTORATE_EMAIL = fixture.sla.escalation[0]!.emails[0]!;
const INSPECTORATE_PHONE = fixture.sla.escalation[0]!.phones[0]!;
const CATEGORY = 'jalan';
const MINUTES = 60_000;
// Timers fire on the real clock and the worker shares a loaded machine: wait for the state meant,
// for as long as a busy CI needs, never for a fixed short time.
const SETTLE_MS = 60_000;
vi.setConfig({ testTimeout: 180_000 });

const sink = new SmtpSink();
const twilio = new FakeTwilioApi();
const smsAbout = (phone: string, trackingNumber: string) => smsAboutCase(twilio, phone, trackingNumber);
const emailsAbout = (address: string, trackingNumber: string) => emailsAboutCase(sink, address, trackingNumber);

/** The clock of a complaint by name. */
const clockOf = (clocks: SlaCase[], name: SlaCase['clock']) => clocks.find((c) => c.clock === name)!;

describe("a complaint's three clocks on PostgreSQL, Redis and BullMQ", () => {
  let cityDir: string;
  let app: TestApp;
  let holder: { id: string; phone: string };
  let citizen: { id: string; phone: string };
  const prisma = () => app.core.db.prisma;
  const sla = () => app.runtime.sla!;

  /** Waits until the outbox has nothing pending for these addresses. */
  const outboxSettled = (addresses: string[]) =>
    eventually(
      async () =>
        (await prisma().outboxMessage.count({ where: { address: { in: addresses }, status: 'pending' } })) === 0,
      SETTLE_MS,
    );
  /** Waits until every job of these timers has been processed (or is gone). */
  const timersSettled = (ids: string[]) =>
    eventually(async () => {
      for (const id of ids) {
        const job = await sla().queue.getJob(id);
        if (job && !['completed', 'failed'].includes(await job.getState())) return false;
      }
      return true;
    }, SETTLE_MS);
  const stateOf = async (id: string) => (await sla().queue.getJob(id))?.getState();
  const waitPast = async (at: Date, graceMs: number) => {
    const left = at.getTime() + graceMs - app.clock.now.getTime();
    if (left > 0) await sleep(left);
  };
  const file = (timing: { startedAgoMs: number; verifyInMs: number; firstResponseInMs: number; resolveInMs: number }) =>
    fileShortComplaint(prisma(), app.core.city, {
      now: app.clock.now,
      citizenId: citizen.id,
      categoryCode: CATEGORY,
      assignedOfficerId: holder.id,
      ...timing,
    });
  const officerMoves = async (trackingNumber: string, to: 'verified', note?: string) => {
    const changed = await changeCaseStatus(prisma(), app.core.city, {
      trackingNumber,
      to,
      note,
      actor: { type: 'officer', id: holder.id },
      now: app.clock.now,
    });
    await app.runtime.dispatcher.dispatch(changed.outbox);
    await app.runtime.afterCaseChanges([], [changed]);
  };

  beforeAll(async () => {
    cityDir = writeTestCity('test/fixtures/city-clocks.json');
    await Promise.all([sink.start(), twilio.start()]);
    app = await startApp(
      {
        ...smsAndEmailEnv({
          cityDir,
          smtpUrl: sink.url,
          twilio: { accountSid: `AC${'7'.repeat(32)}`, authToken: 'test-auth-token-clocks-0123456789ab' },
        }),
      },
      { twilioHttpClient: twilio.httpClient() },
    );
    // The app's clock runs from 10:00 WIB, out of the SMS quiet hours whenever the test runs.
    runClock(app.clock, nextLocalHour(new Date(), 10));
    const department = app.core.city.complaintCategories.find((c) => c.code === CATEGORY)!.department;
    const officer = await prisma().officer.create({
      data: {
        name: 'Budi Hutapea',
        role: 'officer',
        departmentCode: department,
        channel: 'sms',
        address: '6281200077001',
        phone: '6281200077001',
      },
    });
    holder = { id: officer.id, phone: officer.phone! };
    const phone = '6281300077001';
    const person = await prisma().citizen.create({
      data: { phone, identities: { create: { channel: 'sms', address: phone } } },
    });
    citizen = { id: person.id, phone };
  });
  afterAll(async () => {
    const keys = app ? (sla().queue.opts.prefix ?? '') : '';
    await app?.stop();
    await Promise.all([sink.stop(), twilio.stop()]);
    // Timers of clocks still running wait in Redis for minutes.
    if (keys) {
      const cleaner = new Redis(TEST_REDIS_URL);
      await wipeRedisPrefix(cleaner, keys);
      cleaner.disconnect();
    }
    rmSync(cityDir, { recursive: true, force: true });
  });

  it("gives a complaint the city's verification and first-response deadlines in working days", async () => {
    const now = app.clock.now;
    const c = await file({ startedAgoMs: 0, verifyInMs: MINUTES, firstResponseInMs: MINUTES, resolveInMs: MINUTES });
    const calendar = workingCalendarOf(app.core.city);
    // 1 and 2 working days in this city (the default city has 3 and 3).
    expect(c.filed.verifyDeadlineAt).toEqual(computeDeadline(now, { workingDays: 1 }, calendar));
    expect(c.filed.firstResponseDeadlineAt).toEqual(computeDeadline(now, { workingDays: 2 }, calendar));
    expect(c.filed.deadlineAt).toEqual(computeDeadline(now, { workingDays: 5 }, calendar));
    expect(c.filed.verifyDeadlineAt!.getTime()).toBeLessThan(c.filed.firstResponseDeadlineAt!.getTime());
  });

  it('escalates a missed verification to the Inspectorate by email and SMS, after reminding the holder twice', async () => {
    // 3 s into a 6 s verification clock: its 50% reminder is due now, the 80% one in 1.8 s, the
    // deadline in 3 s. The first response and the resolution are minutes away.
    const c = await file({
      startedAgoMs: 3000,
      verifyInMs: 3000,
      firstResponseInMs: 5 * MINUTES,
      resolveInMs: 10 * MINUTES,
    });
    await app.runtime.afterCaseChanges(c.clocks, []);
    const verify = clockOf(c.clocks, 'verify');

    const reminders = await eventually(() => {
      const sent = smsAbout(holder.phone, c.trackingNumber);
      return sent.length >= 2 ? sent : null;
    }, SETTLE_MS);
    for (const r of reminders) expect(r.Body).toContain('batas verifikasi');
    const email = await eventually(() => emailsAbout(INSPECTORATE_EMAIL, c.trackingNumber)[0], SETTLE_MS);
    expect(email.subject).toBe(`[LayanKota] Lewat batas verifikasi: ${c.trackingNumber} Jalan rusak`);
    expect(email.text).toContain(`Untuk Inspektorat: ${c.trackingNumber} Jalan rusak`);
    expect(email.text).toContain('belum diverifikasi sampai batas');
    expect(email.text).toContain('Dipegang: Budi Hutapea');
    const sms = await eventually(() => smsAbout(INSPECTORATE_PHONE, c.trackingNumber)[0], SETTLE_MS);
    expect(sms.Body).toContain('belum diverifikasi');

    // Once each: every verification timer due so far has run and the outbox is empty.
    const due = [timerId(verify, 'reminder', 0), timerId(verify, 'reminder', 1), timerId(verify, 'escalation', 0)];
    await timersSettled(due);
    await outboxSettled([INSPECTORATE_EMAIL, INSPECTORATE_PHONE, holder.phone]);
    expect(smsAbout(holder.phone, c.trackingNumber)).toHaveLength(2);
    expect(emailsAbout(INSPECTORATE_EMAIL, c.trackingNumber)).toHaveLength(1);
    expect(smsAbout(INSPECTORATE_PHONE, c.trackingNumber)).toHaveLength(1);
    const notices = await prisma().slaNotice.findMany({ where: { caseId: c.id }, orderBy: { firedAt: 'asc' } });
    expect(notices.map((n) => n.timerId)).toEqual(due);

    // The other two clocks run on: their escalations wait in the queue.
    for (const name of ['firstResponse', 'resolve'] as const) {
      expect(await stateOf(timerId(clockOf(c.clocks, name), 'escalation', 0))).toBe('delayed');
    }
    const row = await prisma().complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ status: 'waiting', verifiedAt: null, firstRespondedAt: null });
  });

  it('stops the verification clock when an officer verifies in time: no verification escalation, ever; the first response is still due and escalates', async () => {
    // Verification due in 20 s (room for the officer on a loaded machine), first response in 24 s.
    const c = await file({
      startedAgoMs: 1000,
      verifyInMs: 20_000,
      firstResponseInMs: 24_000,
      resolveInMs: 10 * MINUTES,
    });
    await app.runtime.afterCaseChanges(c.clocks, []);
    const verify = clockOf(c.clocks, 'verify');
    const firstResponse = clockOf(c.clocks, 'firstResponse');
    expect(await stateOf(timerId(verify, 'escalation', 0))).toBe('delayed');

    // A bare verification (no note): the complaint is verified, but nobody has answered the reporter.
    await officerMoves(c.trackingNumber, 'verified');
    const verified = await prisma().complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(verified.verifiedAt).not.toBeNull();
    expect(verified.firstRespondedAt).toBeNull();
    // Its escalation is taken off the queue.
    expect(await sla().queue.getJob(timerId(verify, 'escalation', 0))).toBeUndefined();

    const email = await eventually(() => emailsAbout(INSPECTORATE_EMAIL, c.trackingNumber)[0], SETTLE_MS);
    expect(email.subject).toBe(`[LayanKota] Lewat batas tanggapan awal: ${c.trackingNumber} Jalan rusak`);
    expect(email.text).toContain('belum ditanggapi sampai batas');
    const sms = await eventually(() => smsAbout(INSPECTORATE_PHONE, c.trackingNumber)[0], SETTLE_MS);
    expect(sms.Body).toContain('belum ditanggapi');

    await waitPast(firstResponse.deadlineAt, 1000);
    await timersSettled([timerId(firstResponse, 'escalation', 0)]);
    await outboxSettled([INSPECTORATE_EMAIL, INSPECTORATE_PHONE, holder.phone]);
    expect(emailsAbout(INSPECTORATE_EMAIL, c.trackingNumber)).toHaveLength(1);
    expect(smsAbout(INSPECTORATE_PHONE, c.trackingNumber)).toHaveLength(1);
    for (const m of sink.received.filter((x) => x.subject.includes(c.trackingNumber))) {
      expect(m.subject).not.toContain('verifikasi');
    }
    const escalations = await prisma().slaNotice.findMany({ where: { caseId: c.id, kind: 'escalation' } });
    expect(escalations.map((n) => n.timerId)).toEqual([timerId(firstResponse, 'escalation', 0)]);
    expect(await prisma().slaNotice.count({ where: { caseId: c.id, timerId: { contains: '.verify.' } } })).toBe(0);
    // The resolution runs on.
    expect(await stateOf(timerId(clockOf(c.clocks, 'resolve'), 'escalation', 0))).toBe('delayed');
  });

  it("stops the first-response clock at an officer's reply to the reporter; the resolution runs on", async () => {
    const c = await file({ startedAgoMs: 1000, verifyInMs: 8000, firstResponseInMs: 8000, resolveInMs: 10 * MINUTES });
    await app.runtime.afterCaseChanges(c.clocks, []);
    await officerMoves(c.trackingNumber, 'verified');
    const officer = await prisma().officer.findUniqueOrThrow({ where: { id: holder.id } });
    const deps = { prisma: prisma(), city: app.core.city, logger: app.core.logger, clock: () => app.clock.now };
    const outcome = await handleOfficerMessage(
      deps,
      officer,
      `/balas ${c.trackingNumber} Tim kami meninjau lokasi besok pagi, terima kasih laporannya`,
    );
    await app.runtime.dispatcher.dispatch(outcome.outbox);
    await app.runtime.afterCaseChanges([], outcome.changes);
    // The reply reached the reporter, and it is their first response.
    await eventually(
      () => twilio.calls.find((m) => m.To === `+${citizen.phone}` && m.Body.includes('Tim kami')),
      SETTLE_MS,
    );
    const answered = await prisma().complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(answered.firstRespondedAt).not.toBeNull();
    expect(await sla().queue.getJob(timerId(clockOf(c.clocks, 'firstResponse'), 'escalation', 0))).toBeUndefined();

    // Past both deadlines nothing escalates; the resolution's escalation still waits.
    await waitPast(clockOf(c.clocks, 'firstResponse').deadlineAt, 1500);
    await outboxSettled([INSPECTORATE_EMAIL, INSPECTORATE_PHONE]);
    expect(emailsAbout(INSPECTORATE_EMAIL, c.trackingNumber)).toHaveLength(0);
    expect(smsAbout(INSPECTORATE_PHONE, c.trackingNumber)).toHaveLength(0);
    expect(await prisma().slaNotice.count({ where: { caseId: c.id, kind: 'escalation' } })).toBe(0);
    expect(await stateOf(timerId(clockOf(c.clocks, 'resolve'), 'escalation', 0))).toBe('delayed');
    // A second reply is not a first response again.
    await handleOfficerMessage(deps, officer, `/balas ${c.trackingNumber} Jadwal kami majukan ke sore ini`);
    expect((await prisma().complaint.findUniqueOrThrow({ where: { id: c.id } })).firstRespondedAt).toEqual(
      answered.firstRespondedAt,
    );
  });

  it('after Redis loses its data, the reconciler fills in the deadlines of a complaint filed before the clocks and puts back every running clock', async () => {
    const running = await file({
      startedAgoMs: 1000,
      verifyInMs: 5 * MINUTES,
      firstResponseInMs: 6 * MINUTES,
      resolveInMs: 10 * MINUTES,
    });
    // A complaint filed before LAPOR's clocks were kept: the migration left its two deadlines empty.
    const old = await file({
      startedAgoMs: 1000,
      verifyInMs: MINUTES,
      firstResponseInMs: MINUTES,
      resolveInMs: 10 * MINUTES,
    });
    const before = await prisma().complaint.update({
      where: { id: old.id },
      data: { verifyDeadlineAt: null, firstResponseDeadlineAt: null },
    });
    await app.runtime.afterCaseChanges(running.clocks, []);

    await wipeRedisPrefix(app.runtime.redis!, sla().queue.opts.prefix ?? '');
    expect(await sla().queue.getJob(timerId(clockOf(running.clocks, 'verify'), 'escalation', 0))).toBeUndefined();
    await sla().reconcile();

    const filled = await prisma().complaint.findUniqueOrThrow({ where: { id: old.id } });
    expect(filled).toMatchObject(laporDeadlines(app.core.city, before.createdAt));
    const oldClocks: SlaCase[] = [
      {
        kind: 'complaint',
        id: old.id,
        clock: 'verify',
        startedAt: filled.createdAt,
        deadlineAt: filled.verifyDeadlineAt!,
        deadlineVersion: 0,
      },
      {
        kind: 'complaint',
        id: old.id,
        clock: 'firstResponse',
        startedAt: filled.createdAt,
        deadlineAt: filled.firstResponseDeadlineAt!,
        deadlineVersion: 0,
      },
    ];
    for (const clock of [...running.clocks, ...oldClocks]) {
      expect(await stateOf(timerId(clock, 'escalation', 0)), `${clock.clock} of ${clock.id}`).toBe('delayed');
    }
    // The stopped clock of a verified complaint is not put back.
    await officerMoves(running.trackingNumber, 'verified');
    await wipeRedisPrefix(app.runtime.redis!, sla().queue.opts.prefix ?? '');
    await sla().reconcile();
    expect(await sla().queue.getJob(timerId(clockOf(running.clocks, 'verify'), 'escalation', 0))).toBeUndefined();
    expect(await stateOf(timerId(clockOf(running.clocks, 'firstResponse'), 'escalation', 0))).toBe('delayed');
  });
});
