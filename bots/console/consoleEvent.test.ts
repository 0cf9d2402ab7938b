import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleEvent } from './runConsoleChat.js';

const AT = new Date('2026-11-28T03:00:00Z');

describe('a line typed in the terminal becomes the imitated channel event', () => {
  it.each([
    { text: 'STOP', control: 'optOut' },
    { text: 'mulai', control: 'optIn' },
    { text: 'pbb', control: undefined },
  ])('on sms, "$text" goes through the SMS adapter: control $control', ({ text, control }) => {
    const event = consoleEvent('sms', '6281200000001', text, AT);
    expect(event).toMatchObject({ channel: 'sms', address: '6281200000001', phone: '6281200000001', text });
    expect(event.control).toBe(control);
  });

  it('on telegram, ":foto <file>" sends that file as a photo, and the number is not vouched for', () => {
    const event = consoleEvent('telegram', '6281200000001', ':foto ktp.png', AT);
    expect(event).toMatchObject({ channel: 'telegram', text: '', phone: undefined });
    expect(event.media).toEqual([{ mimeType: 'image/png', url: `file://${path.resolve('ktp.png')}` }]);
  });

  it('on whatsapp the number is the phone; the plain console sends ":foto" as text', () => {
    expect(consoleEvent('whatsapp', '6281200000001', 'halo', AT)).toMatchObject({ phone: '6281200000001', media: [] });
    expect(consoleEvent('console', '6281200000001', ':foto a.jpg', AT)).toMatchObject({
      text: ':foto a.jpg',
      media: [],
    });
  });

  it('every line gets its own id, so nothing is taken for a duplicate', () => {
    const a = consoleEvent('sms', '6281200000001', 'ya', AT);
    const b = consoleEvent('sms', '6281200000001', 'ya', AT);
    expect(a.externalId).not.toBe(b.externalId);
  });
});
