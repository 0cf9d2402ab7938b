import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../../app/commandCenter/sessionCookie.js';
import { loginCodeHash } from '../../core/officers/loginCodeHash.js';
import { verifyLoginCode } from '../../core/officers/verifyLoginCode.js';
import { codeSentTo, getJson, postJson, postJsonFrom, seedOfficer, setCookieOf } from '../support/commandCenter.js';
import { FakeTwilioApi } from '../support/fakeTwilio.js';
import { createOpenApiValidator } from '../support/openApiValidator.js';
import { eventually, startApp, type TestApp } from '../support/startApp.js';

// Attacks on the Command Center sign-in over HTTP against the whole app: a stranger who knows an
// officer's handle tries to lock them out (cancel their code, burn its tries, use up their
// sends); timing on /api/login/verify; sessions that logout, deactivation and a change of role
// or department must end. Clients are told apart by their loopback address (127.0.0.x).

const SECRET = 'login-security-secret-0123456789abcdef';
const HOUR = 3_600_000;
const CHALLENGE = 'lk_login';
const openapi = createOpenApiValidator();

describe('the Command Center sign-in under attack', () => {
  const api = new FakeTwilioApi();
  let app: TestApp;
  const phones = {
    target: '6281100000301',
    spammed: '6281100000302',
    flooded: '6281100000303',
    session: '6281100000304',
    moved: '6281100000305',
    inactive: '6281100000306',
    known: '6281100000307',
  };
  const ids: Record<string, string> = {};
  const sent = (phone: string, seen: number) => api.calls.slice(seen).filter((c) => c.To === `+${phone}`).length;
  const expectValid = (method: string, path: string, status: number, body: unknown) =>
    expect(openapi.errors(method, path, status, body)).toEqual([]);

  /** Asks for a code from one client; returns the challenge cookie the app set, if any. */
  async function ask(handle: string, from = '127.0.0.1', cookie?: string) {
    const res = await postJsonFrom(app, from, '/api/login/request', { handle }, cookie);
    expect(res.status).toBe(202);
    return { ...res, challenge: setCookieOf(res.headers, CHALLENGE) };
  }
  const tryCode = (handle: string, code: string, challenge: string | undefined, from = '127.0.0.1') =>
    postJsonFrom(app, from, '/api/login/verify', { handle, code }, challenge);
  const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

  /** Signs in from the default client; returns the session cookie. */
  async function signIn(phone: string): Promise<string> {
    const seen = api.calls.length;
    const { challenge } = await ask(`+${phone}`);
    const code = await codeSentTo(api, phone, seen);
    const res = await tryCode(`+${phone}`, code, challenge);
    expect(res.status).toBe(200);
    return setCookieOf(res.headers, 'lk_session')!;
  }

  beforeAll(async () => {
    await api.start();
    app = await startApp(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'5'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
        TWILIO_FROM: '+15005550006',
        SMS_RATE_PER_SECOND: '50',
        SESSION_SECRET: SECRET,
      },
      { twilioHttpClient: api.httpClient() },
    );
    for (const [who, phone] of Object.entries(phones))
      ids[who] = (await seedOfficer(app, { name: `Petugas ${who}`, role: 'officer', departmentCode: 'DLH', phone })).id;
    await app.core.db.prisma.officer.update({ where: { id: ids.inactive }, data: { active: false } });
  });
  afterAll(async () => {
    await app?.stop();
    await api.stop();
  });

  describe('lockout', () => {
    it('sets the same kind of challenge cookie for any handle, officer or not, and answers the same', async () => {
      const answers = [];
      const seen = api.calls.length;
      for (const handle of ['+6289900000000', `+${phones.inactive}`, 'bukan-petugas', `+${phones.target}`]) {
        const res = await ask(handle);
        const header = res.headers.getSetCookie().find((c) => c.startsWith(`${CHALLENGE}=`)) ?? '';
        expect(header).toMatch(/^lk_login=[\w-]{43}; Path=\/api\/login; HttpOnly; SameSite=Strict; Max-Age=600$/);
        expectValid('post', '/api/login/request', 202, res.body);
        answers.push({ body: res.body, cookie: header.replace(/^lk_login=[\w-]+/, '') });
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      await codeSentTo(api, phones.target, seen);
    });

    it('keeps the officer code working while a stranger asks for more codes for the same handle', async () => {
      const handle = `+${phones.target}`;
      const seen = api.calls.length;
      const officer = await ask(handle);
      const code = await codeSentTo(api, phones.target, seen);
      for (let i = 0; i < 3; i++) await ask(handle, '127.0.0.2');
      await eventually(() => sent(phones.target, seen) === 4);
      const res = await tryCode(handle, code, officer.challenge);
      expect(res.status).toBe(200);
      expectValid('post', '/api/login/verify', 200, res.body);
    });

    it('counts wrong tries against the challenge they were made with, so a stranger burns only their own', async () => {
      const handle = `+${phones.target}`;
      const seen = api.calls.length;
      const officer = await ask(handle);
      const code = await codeSentTo(api, phones.target, seen);
      const stranger = await ask(handle, '127.0.0.2');
      for (const challenge of [stranger.challenge, undefined]) {
        for (let i = 0; i < 6; i++) {
          const res = await tryCode(handle, wrongFor(code), challenge, '127.0.0.2');
          expect(res.status).toBe(401);
          expectValid('post', '/api/login/verify', 401, res.body);
        }
      }
      // The right code is worth nothing without the challenge of the browser that asked for it.
      expect((await tryCode(handle, code, undefined, '127.0.0.2')).status).toBe(401);
      expect((await tryCode(handle, code, stranger.challenge, '127.0.0.2')).status).toBe(401);
      expect((await tryCode(handle, code, officer.challenge)).status).toBe(200);
    });

    it('kills a challenge after five tries, the right one included', async () => {
      const handle = `+${phones.target}`;
      const seen = api.calls.length;
      const officer = await ask(handle);
      const code = await codeSentTo(api, phones.target, seen);
      for (let i = 0; i < 5; i++) expect((await tryCode(handle, wrongFor(code), officer.challenge)).status).toBe(401);
      expect((await tryCode(handle, code, officer.challenge)).status).toBe(401);
    });

    it('caps the codes per officer and client, so a stranger cannot use up the officer sends', async () => {
      app.clock.now = new Date(app.clock.now.getTime() + 2 * HOUR);
      const handle = `+${phones.spammed}`;
      const seen = api.calls.length;
      for (let i = 0; i < 5; i++) await ask(handle, '127.0.0.2');
      await eventually(() => sent(phones.spammed, seen) === 5);
      // Past five the stranger is told so (as for any handle), and nothing more is sent.
      expect((await postJsonFrom(app, '127.0.0.2', '/api/login/request', { handle })).status).toBe(429);
      const seenOfficer = api.calls.length;
      const officer = await ask(handle);
      const code = await codeSentTo(api, phones.spammed, seenOfficer);
      expect((await tryCode(handle, code, officer.challenge)).status).toBe(200);
      expect(sent(phones.spammed, seen)).toBe(6);
    });

    it('still bounds the codes one officer gets an hour from many clients together', async () => {
      app.clock.now = new Date(app.clock.now.getTime() + 2 * HOUR);
      const handle = `+${phones.flooded}`;
      const seen = api.calls.length;
      const before = await app.core.db.prisma.officerLoginCode.count();
      for (let client = 10; client < 16; client++) for (let i = 0; i < 5; i++) await ask(handle, `127.0.0.${client}`);
      // Every request has its row once the work behind the answers is done.
      await eventually(async () => (await app.core.db.prisma.officerLoginCode.count()) === before + 30);
      await eventually(() => sent(phones.flooded, seen) === 20);
      const rows = await app.core.db.prisma.officerLoginCode.count({ where: { officerId: ids.flooded } });
      expect(rows).toBe(20);
      expect(sent(phones.flooded, seen)).toBe(20);
    });

    it("never stops the officer's own browser: one they signed in on gets a code after strangers used up their hour", async () => {
      app.clock.now = new Date(app.clock.now.getTime() + 2 * HOUR);
      const handle = `+${phones.known}`;
      const prisma = app.core.db.prisma;
      let seen = api.calls.length;
      const first = await ask(handle);
      const signedIn = await tryCode(handle, await codeSentTo(api, phones.known, seen), first.challenge);
      expect(signedIn.status).toBe(200);
      const device = setCookieOf(signedIn.headers, 'lk_device');
      expect(device).toMatch(/^lk_device=.+/);

      // Strangers from six addresses and from the officer's own use up the officer's hour.
      seen = api.calls.length;
      const before = await prisma.officerLoginCode.count();
      for (const client of ['127.0.0.1', '127.0.0.20', '127.0.0.21', '127.0.0.22', '127.0.0.23', '127.0.0.24'])
        for (let i = 0; i < 5; i++) await ask(handle, client);
      await eventually(async () => (await prisma.officerLoginCode.count()) === before + 30);
      await eventually(() => sent(phones.known, seen) === 19);
      // A browser the officer never used gets nothing this hour (its row names no officer: no code)...
      const codesFor = () => prisma.officerLoginCode.count({ where: { officerId: ids.known } });
      const codes = await codesFor();
      await ask(handle, '127.0.0.25');
      await eventually(async () => (await prisma.officerLoginCode.count()) === before + 31);
      expect(await codesFor()).toBe(codes);
      // ...but theirs does, from the very address the strangers used up, and the code signs in.
      seen = api.calls.length;
      const again = await ask(handle, '127.0.0.1', device);
      const code = await codeSentTo(api, phones.known, seen);
      expect((await tryCode(handle, code, `${again.challenge}; ${device}`)).status).toBe(200);
      // A known-device cookie of another officer, or a forged one, counts for nothing.
      // (The signature's first character is changed: the last one of a base64url HMAC carries
      // unused bits, so changing it may leave the same bytes.)
      const [payload, signature] = device!.slice('lk_device='.length).split('.');
      const forged = `lk_device=${payload}.${signature![0] === 'A' ? 'B' : 'A'}${signature!.slice(1)}`;
      await ask(handle, '127.0.0.26', forged);
      await eventually(async () => (await prisma.officerLoginCode.count()) === before + 33);
      expect(await codesFor()).toBe(codes + 1);
    });
  });

  describe('timing', () => {
    it('checks a code for an officer handle and for any other handle with the same queries and hashing', async () => {
      const prisma = app.core.db.prisma;
      const before = await prisma.officerLoginCode.count();
      const seen = api.calls.length;
      const nobody = await ask('+6289911112222', '127.0.0.3');
      const officer = await ask(`+${phones.target}`, '127.0.0.3');
      await codeSentTo(api, phones.target, seen);
      await eventually(async () => (await prisma.officerLoginCode.count()) === before + 2);

      const trace = async (handle: string, challenge: string) => {
        const statements: string[] = [];
        let hashes = 0;
        const recorded = prisma.$extends({
          query: {
            async $allOperations({ model, operation, args, query }) {
              statements.push(`${model ?? ''}.${operation}(${Object.keys(args ?? {}).join(',')})`);
              return query(args);
            },
          },
        }) as unknown as typeof prisma;
        const hash = (...parts: Parameters<typeof loginCodeHash>) => {
          hashes++;
          return loginCodeHash(...parts);
        };
        const officerFound = await verifyLoginCode(
          recorded,
          { handle, code: '000000', challenge, now: app.clock.now, secret: SECRET },
          hash,
        );
        return { officerFound, statements, hashes };
      };
      const value = (cookie: string | undefined) => cookie!.slice(`${CHALLENGE}=`.length);
      const forNobody = await trace('+6289911112222', value(nobody.challenge));
      const forOfficer = await trace(`+${phones.target}`, value(officer.challenge));
      expect(forOfficer.officerFound).toBeNull();
      expect(forNobody.officerFound).toBeNull();
      expect(forOfficer.statements.length).toBeGreaterThan(0);
      expect(forOfficer.hashes).toBeGreaterThan(0);
      expect(forNobody).toEqual(forOfficer);
    });
  });

  describe('sessions', () => {
    it('ends every session of the officer on logout, and clears the cookie', async () => {
      const first = await signIn(phones.session);
      const second = await signIn(phones.session);
      for (const cookie of [first, second]) expect((await getJson(app, '/api/me', cookie)).status).toBe(200);
      const out = await postJson(app, '/api/logout', {}, first);
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^lk_session=; .*Max-Age=0/);
      for (const cookie of [first, second]) {
        for (const path of ['/api/me', '/api/cases', '/api/stats']) {
          const answer = await getJson(app, path, cookie);
          expect(answer.status).toBe(401);
          expectValid('get', path, 401, answer.body);
        }
      }
      expect((await getJson(app, '/api/me', await signIn(phones.session))).status).toBe(200);
    });

    it('refuses a cookie signed before sessions had versions', async () => {
      const old = `lk_session=${signSession({ sub: ids.session!, exp: app.clock.now.getTime() + HOUR } as never, SECRET)}`;
      expect((await getJson(app, '/api/me', old)).status).toBe(401);
    });

    it.each([
      { label: 'a role change', data: { role: 'supervisor' as const } },
      { label: 'a department change', data: { departmentCode: 'PUPR' } },
      { label: 'deactivation, even once reactivated', data: { active: false }, then: { active: true } },
    ])('ends the sessions on $label', async ({ data, then }) => {
      app.clock.now = new Date(app.clock.now.getTime() + 2 * HOUR);
      const cookie = await signIn(phones.moved);
      expect((await getJson(app, '/api/me', cookie)).status).toBe(200);
      await app.core.db.prisma.officer.update({ where: { id: ids.moved }, data });
      if (then) await app.core.db.prisma.officer.update({ where: { id: ids.moved }, data: then });
      expect((await getJson(app, '/api/me', cookie)).status).toBe(401);
      expect((await getJson(app, '/api/me', await signIn(phones.moved))).status).toBe(200);
    });
  });

  it('never logs an officer phone number or a code whole', () => {
    const logs = app.logLines.join('\n');
    for (const phone of Object.values(phones)) expect(logs).not.toContain(phone);
  });
});
