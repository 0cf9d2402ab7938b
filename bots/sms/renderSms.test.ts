import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from './gsm7.js';
import { renderSms, splitAtWords } from './renderSms.js';

const BALAS = { replyWord: 'Balas', maxParts: 4 };
const MARKER = /^\((\d+)\/(\d+)\) /;

/** `count` words of `width` letters each: word 1 is w0001..., easy to check for order and loss. */
function words(count: number, width = 6): string[] {
  return Array.from({ length: count }, (_, i) => `w${String(i + 1).padStart(width - 1, '0')}`);
}

/** Checks what every multi-part SMS must be: marked i/n, GSM-7 only, within one part's 153 units. */
function expectWellFormedParts(parts: string[]): void {
  parts.forEach((part, i) => {
    expect(MARKER.exec(part)?.slice(1), part).toEqual([String(i + 1), String(parts.length)]);
    expect(isGsm7(part), part).toBe(true);
    expect(countSegments(part).units, part).toBeLessThanOrEqual(153);
  });
}

describe('renderSms', () => {
  it('a short reply is one unmarked SMS with its options as "Balas 1 X, 2 Y"', () => {
    const reply = {
      text: 'Pilih layanan:',
      options: [
        { id: 'menu.permit', label: 'Ajukan izin' },
        { id: 'menu.complaint', label: 'Pengaduan' },
      ],
    };
    expect(renderSms(reply, BALAS)).toEqual(['Pilih layanan:\nBalas 1 Ajukan izin, 2 Pengaduan']);
  });

  it('uses the reply word it is given', () => {
    const reply = { text: 'Choose:', options: [{ id: 'lang.en', label: 'English' }] };
    expect(renderSms(reply, { replyWord: 'Reply', maxParts: 4 })).toEqual(['Choose:\nReply 1 English']);
  });

  it('a reply without options is just its text', () => {
    expect(renderSms({ text: 'Dibatalkan.', options: [] }, BALAS)).toEqual(['Dibatalkan.']);
  });

  it('exactly 160 GSM characters still go as one unmarked SMS', () => {
    const text = 'a'.repeat(160);
    expect(renderSms({ text, options: [] }, BALAS)).toEqual([text]);
  });

  it('typographic characters are made GSM-7 and emoji removed', () => {
    expect(renderSms({ text: '“Halo” – selamat datang… 👋', options: [] }, BALAS)).toEqual([
      '"Halo" - selamat datang...',
    ]);
  });

  it('a reply of only emoji renders to no SMS at all', () => {
    expect(renderSms({ text: '😀🎉', options: [] }, BALAS)).toEqual([]);
  });

  it('a long reply splits at word boundaries into marked parts within 153 units', () => {
    const all = words(60); // 60 x 6 letters + 59 spaces = 419 characters
    const parts = renderSms({ text: all.join(' '), options: [] }, { replyWord: 'Balas', maxParts: 9 });
    // 419 characters in bodies of at most 147: at least 3 parts; 21 words (146 chars) fit one body.
    expect(parts).toHaveLength(3);
    expectWellFormedParts(parts);
    // Nothing lost, nothing cut in the middle of a word, order kept.
    expect(parts.flatMap((p) => p.replace(MARKER, '').split(' '))).toEqual(all);
  });

  it('a long reply with curly quotes and emoji has no UCS-2 character in any part', () => {
    const text = Array.from({ length: 30 }, (_, i) => `“kata${i}” 🙂 – ok…`).join(' ');
    const parts = renderSms({ text, options: [{ id: 'nav.menu', label: 'Menu utama' }] }, BALAS);
    expect(parts.length).toBeGreaterThan(1);
    expectWellFormedParts(parts);
    expect(parts.at(-1)).toMatch(/Balas 1 Menu utama$/);
  });

  it('more parts than maxParts are cut to maxParts, the last ending in "..."', () => {
    const all = words(150); // 1049 characters: 8 parts uncut
    const parts = renderSms({ text: all.join(' '), options: [] }, { replyWord: 'Balas', maxParts: 2 });
    expect(parts).toHaveLength(2);
    expectWellFormedParts(parts);
    expect(parts[1]).toMatch(/^\(2\/2\) .*\.\.\.$/);
    // The cut keeps whole words from the start.
    const kept = parts.flatMap((p) =>
      p
        .replace(MARKER, '')
        .replace(/\.\.\.$/, '')
        .split(' '),
    );
    expect(kept).toEqual(all.slice(0, kept.length));
  });

  // "(10/11) " takes 8 characters, not the 6 of "(9/9) ": with 21 words of 6 (146 characters) in
  // a body, as fits beside a short marker, part 10 would be 154 units.
  it('parts 10 and later also stay within 153 units', () => {
    const all = words(220); // 1539 characters: 20 words (139) per body beside an 8-character marker
    const parts = renderSms({ text: all.join(' '), options: [] }, { replyWord: 'Balas', maxParts: 20 });
    expect(parts).toHaveLength(11);
    expectWellFormedParts(parts);
    expect(parts.flatMap((p) => p.replace(MARKER, '').split(' '))).toEqual(all);
  });

  it('cut to 12 parts, the last "(12/12) ...", still within 153 units', () => {
    const all = words(300); // 2099 characters: 15 parts uncut
    const parts = renderSms({ text: all.join(' '), options: [] }, { replyWord: 'Balas', maxParts: 12 });
    expect(parts).toHaveLength(12);
    expectWellFormedParts(parts);
    expect(parts[11]).toMatch(/^\(12\/12\) .*\.\.\.$/);
  });

  // The ~ of this URL counts 2 GSM-7 units, so a cut by characters would make a part of 154.
  it('a long word holding an extension character is cut within 153 units, nothing lost', () => {
    const url = `https://kota.example/~budi/${'a'.repeat(200)}`;
    const parts = renderSms({ text: `lihat ${url}`, options: [] }, BALAS);
    expect(parts.length).toBeGreaterThan(1);
    expectWellFormedParts(parts);
    const [first, ...pieces] = parts.map((p) => p.replace(MARKER, ''));
    expect(first).toBe('lihat');
    expect(pieces.join('')).toBe(url);
  });
});

describe('splitAtWords', () => {
  it.each([
    { label: 'fits whole', text: 'satu dua tiga', budget: 20, parts: ['satu dua tiga'] },
    { label: 'breaks at the last space that fits', text: 'satu dua tiga', budget: 9, parts: ['satu dua', 'tiga'] },
    { label: 'breaks at newlines too', text: 'Pilih:\nBalas 1', budget: 8, parts: ['Pilih:', 'Balas 1'] },
    // 3 x 2 + a space = 7 fits; counted as 1 each, '€€€ abc' (7) would have fitted whole.
    { label: 'counts € as 2', text: '€€€ abc', budget: 7, parts: ['€€€', 'abc'] },
    {
      label: 'a word longer than the budget is cut hard',
      text: 'abcdefghij',
      budget: 4,
      parts: ['abcd', 'efgh', 'ij'],
    },
    // A hard cut counts units too: eight € (16 units) go in pieces of at most 6 units, not 6 characters.
    { label: 'a hard cut counts € as 2', text: '€'.repeat(8), budget: 6, parts: ['€€€', '€€€', '€€'] },
    {
      label: 'a hard cut leaves a € that does not fit for the next piece',
      text: 'abc€def',
      budget: 4,
      parts: ['abc', '€de', 'f'],
    },
  ])('$label', ({ text, budget, parts }) => {
    expect(splitAtWords(text, budget)).toEqual(parts);
  });
});

describe('renderSms reads right: lines first, labels with their values, options whole', () => {
  // The PBB answer that once split "2026: Rp685.816, BELUM | DIBAYAR" (read alone: "paid").
  const bills = {
    text: [
      'PBB NOP 12.75.040.003.009-1555.0',
      'Wajib pajak: DA*** HU********',
      'Lokasi: Jl. Veteran No. 93',
      '2023: Rp611.264, LUNAS 25 Jul 2023',
      '2024: Rp636.115, BELUM DIBAYAR, jatuh tempo 31 Agu 2024. Denda 24 bln x 1% = Rp152.668. Jumlah Rp788.783',
      '2025: Rp660.965, LUNAS 24 Jun 2025',
      '2026: Rp685.816, BELUM DIBAYAR, jatuh tempo 31 Agu 2026. Denda 4 bln x 1% = Rp27.433. Jumlah Rp713.249',
      'Total tagihan: Rp1.502.032',
    ].join('\n'),
    options: [
      { id: 'pbb.again', label: 'Cek NOP lain' },
      { id: 'nav.menu', label: 'Menu utama' },
    ],
  };

  it('never breaks a line that fits in one part', () => {
    const parts = renderSms(bills, { replyWord: 'Balas', maxParts: 9 });
    expectWellFormedParts(parts);
    const lines = parts.flatMap((p) => p.replace(MARKER, '').split('\n'));
    for (const line of bills.text.split('\n')) expect(lines).toContain(line);
    expect(lines).toContain('Balas 1 Cek NOP lain, 2 Menu utama');
  });

  it('keeps a label with its value, and a date with its time', () => {
    const reply = {
      text: `${'Pengajuan Surat Izin Usaha Perdagangan (SIUP) diterima. Nomor pelacakan: P51121510.'} Target selesai: 3 Des 2026 01.42 WIB. Cek status: ketik CEK P51121510`,
      options: [],
    };
    const parts = renderSms(reply, { replyWord: 'Balas', maxParts: 3 }).map((p) => p.replace(MARKER, ''));
    expect(parts.some((p) => p.includes('Target selesai: 3 Des 2026 01.42 WIB'))).toBe(true);
    expect(parts.some((p) => p.includes('Nomor pelacakan: P51121510'))).toBe(true);
  });

  it('a last part is never a lone word: it takes a line from the part before', () => {
    const reply = {
      text: `${'a'.repeat(140)}\n${'b'.repeat(10)}`,
      options: [{ id: 'nav.menu', label: 'Menu utama' }],
    };
    const parts = renderSms(reply, BALAS);
    expectWellFormedParts(parts);
    expect(parts).toHaveLength(2);
    expect(parts[1]!.replace(MARKER, '').length).toBeGreaterThanOrEqual(20);
    expect(parts[1]).toContain('b'.repeat(10));
  });

  it('cut at the part limit, the text ends in "..." and the options still come whole', () => {
    const parts = renderSms(bills, { replyWord: 'Balas', maxParts: 2 });
    expect(parts).toHaveLength(2);
    expectWellFormedParts(parts);
    expect(parts[1]).toMatch(/\.\.\.\nBalas 1 Cek NOP lain, 2 Menu utama$/);
    // What is kept is the start, in order: the essential comes first in the reply.
    expect(parts[0]).toContain('PBB NOP 12.75.040.003.009-1555.0');
  });

  it('options too many for one part still all arrive, split between options only', () => {
    const options = Array.from({ length: 20 }, (_, i) => ({ id: `o${i}`, label: `Pilihan nomor ${i + 1}` }));
    const parts = renderSms({ text: 'Pilih:', options }, { replyWord: 'Balas', maxParts: 4 });
    expectWellFormedParts(parts);
    const joined = parts.map((p) => p.replace(MARKER, '')).join(' ');
    for (let i = 1; i <= 20; i++) expect(joined).toContain(`${i} Pilihan nomor ${i}`);
  });
});
