import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyCloudSignature } from './verifyCloudSignature.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const BODY = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const sign = (body: Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('verifyCloudSignature', () => {
  it.each([
    { label: 'the right signature', header: `sha256=${sign(BODY)}`, valid: true },
    { label: 'upper-case hex', header: `sha256=${sign(BODY).toUpperCase()}`, valid: true },
    { label: 'signed with another secret', header: `sha256=${sign(BODY, 'another-app-secret-000')}`, valid: false },
    { label: 'signed over another body', header: `sha256=${sign(Buffer.from(`${BODY.toString()} `))}`, valid: false },
    { label: 'SHA-1 header style', header: `sha1=${sign(BODY).slice(0, 40)}`, valid: false },
    { label: 'no sha256= prefix', header: sign(BODY), valid: false },
    { label: 'a digest cut short', header: `sha256=${sign(BODY).slice(0, 62)}`, valid: false },
    { label: 'not hex', header: `sha256=${'z'.repeat(64)}`, valid: false },
    { label: 'empty', header: '', valid: false },
    { label: 'missing', header: undefined, valid: false },
  ])('$label -> $valid', ({ header, valid }) => {
    expect(verifyCloudSignature(SECRET, BODY, header)).toBe(valid);
  });
});
