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

/** Signs in through the real API (code by SMS) and returns the session cookie. */
export async function signIn(app: TestApp, api: FakeTwilioApi, phone: string): Promise<string> {
  const seen = api.calls.length;
  const requested = await postJson(app, '/api/login/request', { handle: `+${phone}` });
  if (requested.status !== 202) throw new Error(`login request answered ${requested.status}`);
  const code = await codeSentTo(api, phone, seen);
  const verified = await postJson(app, '/api/login/verify', { handle: `+${phone}`, code });
  if (verified.status !== 200) throw new Error(`login verify answered ${verified.status}`);
  return (verified.headers.get('set-cookie') ?? '').split(';')[0]!;
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
