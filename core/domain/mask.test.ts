import { describe, expect, it } from 'vitest';
import { maskName, maskNik, maskPhone } from './mask.js';

describe('maskPhone', () => {
  it.each([
    { phone: '6281234567890', masked: '*********7890' },
    { phone: '12345', masked: '*2345' },
    { phone: '1234', masked: '****' },
    { phone: '12', masked: '**' },
    { phone: '', masked: '' },
    // A Telegram chat id is masked the same way.
    { phone: '-1001234567', masked: '*******4567' },
  ])('$phone -> $masked', ({ phone, masked }) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('maskNik', () => {
  it('shows only the last 4 of the 16 digits', () => {
    expect(maskNik('3171014501900001')).toBe('************0001');
  });
});

describe('maskName', () => {
  it.each([
    // DARMA has 5 letters: 2 kept, 3 hidden; HUTAGALUNG has 10: 2 kept, 8 hidden.
    { name: 'DARMA HUTAGALUNG', masked: 'DA*** HU********' },
    { name: 'Siti Aminah', masked: 'Si** Am****' },
    // Words of 3 letters or fewer keep only the first; one letter stays.
    { name: 'I GUSTI AYU', masked: 'I GU*** A**' },
    { name: 'Al', masked: 'A*' },
    { name: '  budi   santoso ', masked: 'bu** sa*****' },
    { name: 'M. YUSUF', masked: 'M* YU***' },
  ])('$name -> $masked', ({ name, masked }) => {
    expect(maskName(name)).toBe(masked);
  });

  it('never shows more than two letters of a word', () => {
    for (const word of maskName('Kurniawati Wulandari Sembiring').split(' ')) {
      expect(word.replace(/\*/g, '').length).toBeLessThanOrEqual(2);
    }
  });
});
