import { describe, expect, it } from 'vitest';
import type { RenderedReply } from '../../../core/i18n/createTranslator.js';
import { renderCloudMessage, type CloudMessage } from './renderCloudMessage.js';

const opt = (id: string, label: string) => ({ id, label });
const menu = [
  opt('menu.permit', 'Ajukan izin'),
  opt('menu.complaint', 'Pengaduan'),
  opt('menu.pbb', 'Cek PBB'),
  opt('menu.track', 'Cek status'),
  opt('menu.language', 'Bahasa/Language'),
  opt('menu.help', 'Bantuan'),
];
const numbered = (reply: RenderedReply) =>
  `${reply.text}\n\n${reply.options.map((o, i) => `${i + 1}. ${o.label}`).join('\n')}`;

describe('renderCloudMessage', () => {
  it.each<{ label: string; reply: RenderedReply; expected: CloudMessage }>([
    {
      label: 'no choices: a plain text without link preview',
      reply: { text: 'Dibatalkan.', options: [] },
      expected: { type: 'text', text: { body: 'Dibatalkan.', preview_url: false } },
    },
    {
      label: 'up to 3 short choices: reply buttons carrying the option ids',
      reply: { text: 'Pilih bahasa:', options: [opt('lang.id', 'Bahasa Indonesia'), opt('lang.en', 'English')] },
      expected: {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pilih bahasa:' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'lang.id', title: 'Bahasa Indonesia' } },
              { type: 'reply', reply: { id: 'lang.en', title: 'English' } },
            ],
          },
        },
      },
    },
    {
      label: 'more than 3 choices: a list opened by the list button',
      reply: { text: 'Pilih layanan:', options: menu },
      expected: {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pilih layanan:' },
          action: { button: 'Pilih', sections: [{ rows: menu.map((o) => ({ id: o.id, title: o.label })) }] },
        },
      },
    },
    {
      label: 'a label too long for a button: a list, the row title cut and the whole label below it',
      reply: {
        text: 'Izin yang cocok:',
        options: [opt('permit.type:SIP-BIDAN', 'Surat Izin Praktik Bidan (SIPB)'), opt('nav.menu', 'Menu utama')],
      },
      expected: {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Izin yang cocok:' },
          action: {
            button: 'Pilih',
            sections: [
              {
                rows: [
                  {
                    id: 'permit.type:SIP-BIDAN',
                    title: 'Surat Izin Praktik Bida…',
                    description: 'Surat Izin Praktik Bidan (SIPB)',
                  },
                  { id: 'nav.menu', title: 'Menu utama' },
                ],
              },
            ],
          },
        },
      },
    },
    {
      label: 'two buttons with the same label: a list, whose rows are told apart by id',
      reply: { text: 'Pilih:', options: [opt('a', 'Sama'), opt('b', 'Sama')] },
      expected: {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pilih:' },
          action: {
            button: 'Pilih',
            sections: [
              {
                rows: [
                  { id: 'a', title: 'Sama' },
                  { id: 'b', title: 'Sama' },
                ],
              },
            ],
          },
        },
      },
    },
  ])('$label', ({ reply, expected }) => {
    expect(renderCloudMessage(reply, 'Pilih')).toEqual(expected);
  });

  it.each<{ label: string; reply: RenderedReply }>([
    {
      label: 'more than 10 choices',
      reply: {
        text: 'Pilih jenis izin:',
        options: Array.from({ length: 11 }, (_, i) => opt(`permit.type:T${i}`, `Izin ${i + 1}`)),
      },
    },
    { label: 'a text longer than an interactive body (1024)', reply: { text: 'x'.repeat(1025), options: menu } },
    { label: 'choices under an empty text', reply: { text: '', options: menu.slice(0, 2) } },
  ])('falls back to a numbered list for $label', ({ reply }) => {
    expect(renderCloudMessage(reply, 'Pilih')).toEqual({
      type: 'text',
      text: { body: numbered(reply), preview_url: false },
    });
  });

  it('cuts a text past 4096 characters', () => {
    const message = renderCloudMessage({ text: 'y'.repeat(5000), options: [] }, 'Pilih');
    expect(message.type === 'text' && Array.from(message.text.body)).toHaveLength(4096);
  });
});
