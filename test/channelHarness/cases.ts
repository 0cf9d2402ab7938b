import type { RenderedReply } from '../../core/i18n/createTranslator.js';

/**
 * One row of the table every channel runs. An inbound case is delivered `deliveries` times (a
 * provider's retry brings the very same payload again); a reply case sends `replies` to the
 * channel's address. Each channel's fixture file answers every label.
 */
export type HarnessCase =
  { kind: 'inbound'; label: string; deliveries: number } | { kind: 'reply'; label: string; replies: RenderedReply[] };

export const PHOTO = 'a photo';

const MENU: RenderedReply = {
  text: 'Pilih layanan:',
  options: [
    { id: 'menu.permit', label: 'Ajukan izin' },
    { id: 'menu.complaint', label: 'Pengaduan' },
    { id: 'menu.pbb', label: 'Cek PBB' },
  ],
};

// 407 GSM-7 characters: three SMS parts, one message anywhere else.
const LONG =
  'Tagihan PBB untuk NOP 12.75.040.003.009-1555.0 tahun 2026 sebesar Rp636.115 jatuh tempo pada ' +
  '30 September 2026. Pembayaran dapat dilakukan di bank daerah, kantor pos, minimarket yang bekerja ' +
  'sama, atau aplikasi perbankan dengan memasukkan NOP di atas. Simpan bukti pembayaran sampai ' +
  'tagihan tercatat lunas. Jika data objek pajak tidak sesuai, datang ke Mal Pelayanan Publik ' +
  'dengan membawa KTP dan SPPT asli.';

/** The one table: every channel runs every row, or says in its fixtures why a row cannot happen there. */
export const CASES: HarnessCase[] = [
  { kind: 'inbound', label: 'plain text "pbb"', deliveries: 1 },
  {
    kind: 'inbound',
    label: 'a menu choice (a button where the channel has buttons, "2" typed elsewhere)',
    deliveries: 1,
  },
  { kind: 'inbound', label: 'a shared location', deliveries: 1 },
  { kind: 'inbound', label: PHOTO, deliveries: 1 },
  { kind: 'inbound', label: 'the new-conversation signal', deliveries: 1 },
  { kind: 'inbound', label: 'a duplicate delivery keeps the same externalId', deliveries: 2 },
  { kind: 'inbound', label: "what is not a citizen's message is dropped", deliveries: 1 },
  // Last: on SMS it opts the number out, and later replies there would be suppressed.
  { kind: 'inbound', label: 'the word STOP (an opt-out only on SMS)', deliveries: 1 },
  { kind: 'reply', label: 'a text reply', replies: [{ text: 'Dibatalkan.', options: [] }] },
  {
    kind: 'reply',
    label: 'two replies go out in order',
    replies: [
      { text: 'Status P48271633: Selesai', options: [] },
      { text: 'Ada lagi? Ketik MENU.', options: [] },
    ],
  },
  { kind: 'reply', label: 'a reply with three options', replies: [MENU] },
  { kind: 'reply', label: 'a long reply', replies: [{ text: LONG, options: [] }] },
  {
    kind: 'reply',
    label: 'a reply with curly quotes, a dash and an emoji',
    replies: [{ text: 'Terima kasih 🙏 — laporan “jalan rusak” sudah kami terima…', options: [] }],
  },
];
