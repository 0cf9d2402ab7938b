import { describe, expect, it } from 'vitest';
import {
  challengeCookieHeader,
  cookieValue,
  readDevice,
  readSession,
  sessionCookieHeader,
  signDevice,
  signSession,
} from './sessionCookie.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const NOW = Date.parse('2026-11-30T03:00:00Z');
const token = signSession({ sub: 'officer-1', ver: 3, exp: NOW + 60_000 }, SECRET);
const [payload, signature] = token.split('.') as [string, string];
const forge = (claims: object) => `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

describe('session cookies', () => {
  it('reads back what it signed, until it expires', () => {
    expect(readSession(token, SECRET, NOW)).toEqual({ sub: 'officer-1', ver: 3, exp: NOW + 60_000 });
    expect(readSession(token, SECRET, NOW + 60_000)).toBeNull();
  });

  it.each([
    { label: 'no token', token: undefined },
    { label: 'an empty token', token: '' },
    { label: 'another secret', token: signSession({ sub: 'officer-1', ver: 3, exp: NOW + 60_000 }, `${SECRET}x`) },
    { label: 'claims changed under the old signature', token: forge({ sub: 'officer-2', ver: 3, exp: NOW + 60_000 }) },
    { label: 'a later expiry under the old signature', token: forge({ sub: 'officer-1', ver: 3, exp: NOW + 9e9 }) },
    {
      label: 'a lower session version under the old signature',
      token: forge({ sub: 'officer-1', ver: 2, exp: NOW + 60_000 }),
    },
    { label: 'no signature', token: payload },
    { label: 'a third part', token: `${token}.x` },
    { label: 'a truncated signature', token: `${payload}.${signature.slice(0, -2)}` },
    { label: 'signed claims of the wrong shape', token: signSession({ sub: 7, exp: 'soon' } as never, SECRET) },
    {
      label: 'a cookie signed before sessions had versions',
      token: signSession({ sub: 'officer-1', exp: NOW + 60_000 } as never, SECRET),
    },
    {
      label: 'a version that is no integer',
      token: signSession({ sub: 'officer-1', ver: '3', exp: NOW + 60_000 } as never, SECRET),
    },
  ])('refuses $label', ({ token: given }) => {
    expect(readSession(given, SECRET, NOW)).toBeNull();
  });

  it.each([
    { header: undefined, expected: undefined },
    { header: 'lk_session=abc.def', expected: 'abc.def' },
    { header: 'theme=dark; lk_session=abc.def; other=1', expected: 'abc.def' },
    { header: 'xlk_session=abc; lk_session_old=def', expected: undefined },
  ])('finds the cookie in $header', ({ header, expected }) => {
    expect(cookieValue(header, 'lk_session')).toBe(expected);
  });

  it('sends the challenge cookie to the login endpoints only', () => {
    expect(challengeCookieHeader('c', { secure: true, maxAgeMs: 600_000 })).toBe(
      'lk_login=c; Path=/api/login; HttpOnly; SameSite=Strict; Max-Age=600; Secure',
    );
  });

  it('is HttpOnly and SameSite=Strict, Secure on HTTPS, and cleared with Max-Age=0', () => {
    expect(sessionCookieHeader('t', { secure: false, maxAgeMs: 3_600_000 })).toBe(
      'lk_session=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600',
    );
    expect(sessionCookieHeader('', { secure: true, maxAgeMs: 0 })).toBe(
      'lk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure',
    );
  });

  it('reads a known-device token, and never takes one for a session or a session for one', () => {
    const device = signDevice({ sub: 'officer-1', dev: 'device-1', exp: NOW + 60_000 }, SECRET);
    expect(readDevice(device, SECRET, NOW)).toEqual({ sub: 'officer-1', dev: 'device-1', exp: NOW + 60_000 });
    expect(readDevice(device, SECRET, NOW + 60_000)).toBeNull();
    expect(readDevice(device, 'another-secret-0123456789abcdef0123', NOW)).toBeNull();
    expect(readSession(device, SECRET, NOW)).toBeNull();
    const session = signSession({ sub: 'officer-1', ver: 0, exp: NOW + 60_000 }, SECRET);
    expect(readDevice(session, SECRET, NOW)).toBeNull();
  });
});
