import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    { raw: '0812-3456-7890', phone: '6281234567890' },
    { raw: '+62 812 3456 7890', phone: '6281234567890' },
    { raw: '6281234567890', phone: '6281234567890' },
    { raw: '  081234567890  ', phone: '6281234567890' },
    { raw: '(021) 555-1234', phone: '62215551234' },
    { raw: '0812.3456.7890', phone: '6281234567890' },
    { raw: '+1 415 555 0100', phone: '14155550100' },
    // The trunk 0 written in brackets after the country code is not dialled.
    { raw: '+62 (0)812-3456-7890', phone: '6281234567890' },
    { raw: '+62(0)21 555 1234', phone: '62215551234' },
    // A local number is 0 and at least 8 more digits.
    { raw: '081234567', phone: '6281234567' },
    { raw: '08123456', phone: null },
    { raw: '0812345', phone: null },
    // The shortest and longest accepted: 8 and 15 digits (E.164 allows 15).
    { raw: '12345678', phone: '12345678' },
    { raw: '123456789012345', phone: '123456789012345' },
    { raw: '1234567', phone: null },
    { raw: '1234567890123456', phone: null },
    { raw: '', phone: null },
    { raw: 'abc', phone: null },
    { raw: '0812 3456 789O', phone: null },
    { raw: '++62812345678', phone: null },
    { raw: '0812+3456', phone: null },
  ])('$raw -> $phone', ({ raw, phone }) => {
    expect(normalizePhone(raw)).toBe(phone);
  });

  it('uses another country code for a leading 0 when told', () => {
    expect(normalizePhone('0412 345 678', '61')).toBe('61412345678');
  });
});
