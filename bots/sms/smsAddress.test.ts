import { describe, expect, it } from 'vitest';
import { smsSenderAddress } from './smsAddress.js';

describe('smsSenderAddress', () => {
  it.each([
    { sender: '+62 812-3456-7890', expected: '6281234567890' },
    { sender: '081234567890', expected: '6281234567890' },
    // The SMS Gateway for Android docs' sample sender: a US number without its +1.
    { sender: '6505551212', expected: '6505551212' },
    // Not phone numbers: never reduced to the digits inside them.
    { sender: 'INFO123', expected: null },
    { sender: 'TELKOMSEL', expected: null },
    { sender: '3636', expected: null },
    { sender: '', expected: null },
    { sender: ['+6281234567890'], expected: null },
  ])('$sender -> $expected', ({ sender, expected }) => {
    expect(smsSenderAddress(sender)).toBe(expected);
  });
});
