import { describe, expect, it } from 'vitest';
import { verifyTelegramSecret } from './verifyTelegramSecret.js';

const SECRET = 'tg-webhook-secret_0123456789';

describe('verifyTelegramSecret', () => {
  it.each([
    { label: 'the secret', header: SECRET, ok: true },
    { label: 'no header', header: undefined, ok: false },
    { label: 'an empty header', header: '', ok: false },
    { label: 'another secret', header: 'tg-webhook-secret_9876543210', ok: false },
    { label: 'a prefix of the secret', header: SECRET.slice(0, -1), ok: false },
    { label: 'the secret and more', header: `${SECRET}x`, ok: false },
    { label: 'another case', header: SECRET.toUpperCase(), ok: false },
  ])('$label -> $ok', ({ header, ok }) => {
    expect(verifyTelegramSecret(SECRET, header)).toBe(ok);
  });
});
