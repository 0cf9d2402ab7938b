import { request as httpRequest } from 'node:http';
import type { OfficerRole } from '../../core/generated/prisma/client.js';
import type { FakeTwilioApi } from './fakeTwilio.js';
import { eventually, type TestApp } from './startApp.js';

/** An officer with an SMS number linked, as an admin would register them. */
export async function seedOfficer(
  app: TestApp,
  o: { name: string; role: OfficerRole; departmentCode: string | null; phone: string },
): Promise<{ id: string; phone: string }> {
  const row = await app.core.db.prisma.officer.create({
    data: {
      name: o.name,
      role: o.role,
      departmentCode: o.departmentCode,
      channel: 'sms',
      address: o.phone,
      phone: o.phone,
    },
  });
  return { id: row.id, phone: o.phone };
}

/** The sign-in code in the next SMS the fake Twilio received for `phone` (digits) after `seen` calls. */
export async function codeSentTo(api: FakeTwilioApi, phone: string, seen: number): Promise<string> {
  const sms = await eventually(() =>
    api.calls.slice(seen).find((c) => c.To === `+${phone}` && /\b\d{6}\b/.test(c.Body)),
  );
  return /\b(\d{6})\b/.exec(sms.Body)![1]!;
}

/** The `name=value` part of a response's Set-Cookie for `name`, or undefined. */
export function setCookieOf(headers: Headers, name: string): string | undefined {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${name}=`));
}

/** Signs in through the real API (code by SMS, the challenge cookie carried) and returns the session cookie. */
export async function signIn(app: TestApp, api: FakeTwilioApi, phone: string): Promise<string> {
  const seen = api.calls.length;
  const requested = await postJson(app, '/api/login/request', { handle: `+${phone}` });
  if (requested.status !== 202) throw new Error(`login request answered ${requested.status}`);
  const challenge = setCookieOf(requested.headers, 'lk_login');
  const code = await codeSentTo(api, phone, seen);
  const verified = await postJson(app, '/api/login/verify', { handle: `+${phone}`, code }, challenge);
  if (verified.status !== 200) throw new Error(`login verify answered ${verified.status}`);
  return setCookieOf(verified.headers, 'lk_session')!;
}

/**
 * A POST of JSON from a given loopback address (`127.0.0.2`, ...), so the app sees a client of
 * its own: fetch cannot choose the local address, node:http can.
 */
export function postJsonFrom(
  app: TestApp,
  from: string,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${app.baseUrl}${path}`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers, body: text ? (JSON.parse(text) as unknown) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function postJson(app: TestApp, path: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

export async function getJson(app: TestApp, path: string, cookie?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${app.baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.json() };
}
